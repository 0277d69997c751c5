using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard;

/// <summary>How a start refused for its settings is told: one line on standard error, exit code 1.</summary>
public static class StartRefusal
{
    public const int ExitCode = 1;

    /// <summary>For an unhandled exception that holds an <see cref="OptionsValidationException"/>: says why and ends the process.</summary>
    public static void Report(object exception)
    {
        if (Find(exception as Exception) is not { } refused) return;
        Console.Error.WriteLine(Message(refused));
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    }

    public static string Message(OptionsValidationException refused) =>
        "Filecheck Dashboard did not start: " + string.Join(" ", refused.Failures.Select(f => f.Trim()));

    private static OptionsValidationException? Find(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OptionsValidationException found) return found;
            if (e is AggregateException { InnerExceptions: var many })
                return many.Select(Find).FirstOrDefault(f => f is not null);
        }
        return null;
    }
}
