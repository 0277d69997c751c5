using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard;

/// <summary>How a start refused for its settings is told: one line on standard error, exit code 1.</summary>
public static class StartRefusal
{
    public const int ExitCode = 1;

    /// <summary>
    /// Refuses an unhandled <see cref="OptionsValidationException"/> in one line until the dashboard has started; after
    /// that, a crash is a bug and keeps its stack trace.
    /// </summary>
    public static void Watch()
    {
        AppDomain.CurrentDomain.UnhandledException += OnUnhandled;
    }

    /// <summary>
    /// Runs every <c>ValidateOnStart</c> check before the host starts, so a refusal is never logged by the host as
    /// "Hosting failed to start" with its stack trace; then stops watching once the dashboard has started.
    /// </summary>
    public static void CheckSettings(WebApplication app)
    {
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        // The store before the host: with History:MigrateAtStart=false a store behind this version is refused here, in one line.
        app.Services.GetRequiredService<Data.StoreMigrator>().EnsureReadyAsync().GetAwaiter().GetResult();
        app.Lifetime.ApplicationStarted.Register(() => AppDomain.CurrentDomain.UnhandledException -= OnUnhandled);
    }

    private static void OnUnhandled(object? sender, UnhandledExceptionEventArgs e) => Report(e.ExceptionObject);

    /// <summary>For an exception that holds an <see cref="OptionsValidationException"/>: says why and ends the process.</summary>
    public static void Report(object exception)
    {
        if (Find(exception as Exception) is not { Count: > 0 } refused) return;
        Console.Error.WriteLine(Message(refused));
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    }

    private static string Message(IEnumerable<OptionsValidationException> refused) =>
        "Filecheck Dashboard did not start: " + string.Join(" ", refused.SelectMany(r => r.Failures).Select(f => f.Trim()).Distinct());

    /// <summary>Every settings refusal the exception holds: the startup validator gathers them in an <see cref="AggregateException"/>.</summary>
    private static List<OptionsValidationException> Find(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OptionsValidationException found) return [found];
            if (e is AggregateException { InnerExceptions: var many }) return many.SelectMany(Find).ToList();
        }
        return [];
    }
}
