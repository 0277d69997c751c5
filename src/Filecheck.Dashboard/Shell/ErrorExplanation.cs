using Microsoft.AspNetCore.Components;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// A known cause of an unexpected error, in words for the person who hit it (the error page shows the first that
/// matches, with its status code); the part that knows the cause registers it.
/// </summary>
public sealed record ErrorExplanation(Func<Exception, bool> Matches, string Title, MarkupString Text, string Retry, int StatusCode);
