using System.Globalization;

namespace Filecheck.Api;

/// <summary>The sentence a person reads for each kind of failure.</summary>
public static class FilecheckFailureText
{
    public static string For(FilecheckFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Kind switch
        {
            FilecheckFailureKind.NotFound =>
                "Filecheck has no job with this ID. Check for a typo, or whether it was made with another account's key.",
            FilecheckFailureKind.KeyRejected =>
                "Filecheck refused the dashboard's API key. An administrator needs to check the Filecheck:ApiKey setting.",
            FilecheckFailureKind.InvalidRequest => $"Filecheck refused the request: {failure.Message}",
            FilecheckFailureKind.RateLimited => failure.RetryAfter is { } wait
                ? $"Filecheck asked us to slow down. Try again in {Seconds(wait)}."
                : "Filecheck asked us to slow down. Try again in a minute.",
            FilecheckFailureKind.Unavailable => "Filecheck is not answering right now. Try again in a minute.",
            FilecheckFailureKind.Malformed => "Filecheck sent an answer the dashboard could not read.",
            FilecheckFailureKind.TooLarge => $"The file is too large for Filecheck: {failure.Message}",
            FilecheckFailureKind.UploadExpired => "The upload permission from Filecheck ran out before the file was sent. Try again.",
            _ => "Filecheck could not be reached.",
        };
    }

    /// <summary>The person-facing sentence for this failure (see <see cref="FilecheckFailureText.For"/>).</summary>
    public static string Describe(this FilecheckFailure failure) => For(failure);

    private static string Seconds(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return seconds == 1 ? "1 second" : seconds.ToString(CultureInfo.InvariantCulture) + " seconds";
    }
}
