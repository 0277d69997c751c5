using System.Diagnostics;
using System.Globalization;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Data.Move;
using Filecheck.Dashboard.Sandbox;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Filecheck.Dashboard;

/// <summary>
/// The operator's commands on the store, run instead of the dashboard: <c>migrate</c> (apply the migrations, make the
/// first Data Protection key) and <c>move-history --from file.db</c> (copy a SQLite history into the configured
/// PostgreSQL). They read the same settings as the dashboard, print what they did, and exit 0; a refusal or a failure
/// is one message on standard error (no stack trace, never the connection string's password) and a non-zero exit.
/// </summary>
public static class StoreCommands
{
    public const string Migrate = "migrate";
    public const string MoveHistory = "move-history";
    public const int Refused = 1;
    public const int Mismatch = 2;
    private const int DefaultBatchSize = 5_000;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is Migrate or MoveHistory;

    public static async Task<int> RunAsync(string[] args)
    {
        var command = args[0];
        string? from = null;
        var batchSize = DefaultBatchSize;
        int? rowsPerSecond = null;
        var settings = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (command == MoveHistory && args[i] == "--from" && i + 1 < args.Length) from = args[++i];
            else if (command == MoveHistory && args[i] == "--batch-size" && i + 1 < args.Length
                && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0) batchSize = size;
            else if (command == MoveHistory && args[i] == "--rows-per-second" && i + 1 < args.Length
                && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var pace) && pace > 0) rowsPerSecond = pace;
            else settings.Add(args[i]);
        }
        var password = "";
        try
        {
            var builder = WebApplication.CreateBuilder(DashboardPaths.Options([.. settings]));
            builder.Logging.ClearProviders();
            // Only the store is built, not the features around it: the services it does not use are never checked.
            builder.Host.UseDefaultServiceProvider(o => o.ValidateOnBuild = false);
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.AddStore();
            // The built-in sandbox resets its history at every start: as at the dashboard's start, it never runs on PostgreSQL.
            if (SandboxRun.IsWanted(builder.Configuration, builder.Environment.EnvironmentName))
                builder.Services.AddSingleton<IValidateOptions<StoreOptions>, SandboxStoreOnSqlite>();
            await using var app = builder.Build();
            var store = app.Services.GetRequiredService<IOptions<StoreOptions>>().Value;
            password = store.Engine == StoreEngine.Postgres ? new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString).Password ?? "" : "";
            if (command == Migrate)
            {
                _ = app.Services.GetRequiredService<IOptions<KeyRingOptions>>().Value;
                return await MigrateAsync(app.Services);
            }
            if (string.IsNullOrWhiteSpace(from)) return Refuse(command, "name the SQLite history to copy: move-history --from data/filecheck-dashboard.db");
            if (store.Engine != StoreEngine.Postgres)
            {
                return Refuse(command, $"move-history copies into PostgreSQL, and {StoreOptions.ProviderKey} is {store.Provider}: set {StoreOptions.ProviderKey}=Postgres " +
                    $"and {StoreOptions.ConnectionStringKey} (the target database), run `migrate`, then move-history.");
            }
            return await MoveAsync(from, store.ConnectionString!, batchSize, rowsPerSecond);
        }
        catch (OptionsValidationException e)
        {
            return Refuse(command, string.Join(" ", e.Failures.Select(f => f.Trim()).Distinct()));
        }
        catch (MoveRefusedException e)
        {
            return Refuse(command, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Cannot connect, a password refused, a file not readable: the reasons, innermost last, never the password.
            var reasons = new List<string>();
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (!reasons.Contains(inner.Message)) reasons.Add(inner.Message);
            var text = string.Join(" ", reasons);
            if (password.Length > 0) text = text.Replace(password, "***", StringComparison.Ordinal);
            Console.Error.WriteLine($"Filecheck Dashboard {command} failed: {text}");
            return Refused;
        }
    }

    private static int Refuse(string command, string message)
    {
        Console.Error.WriteLine($"Filecheck Dashboard {command} refused: {message}");
        return Refused;
    }

    private static async Task<int> MigrateAsync(IServiceProvider services)
    {
        var migrator = services.GetRequiredService<StoreMigrator>();
        Console.WriteLine($"Store: {migrator.Describe()}");
        var applied = await migrator.ApplyAsync();
        Console.WriteLine(applied.Count == 0
            ? "Migrations: none pending, the store is up to date."
            : $"Migrations: applied {applied.Count}: {string.Join(", ", applied)}.");
        var keys = services.GetRequiredService<IKeyManager>();
        var ring = keys.GetAllKeys();
        if (ring.Count == 0)
        {
            var now = DateTimeOffset.UtcNow;
            var key = keys.CreateNewKey(now, now.AddDays(90));
            Console.WriteLine($"Data Protection: created the first key {key.KeyId} (expires {key.ExpirationDate:yyyy-MM-dd}).");
        }
        else
        {
            Console.WriteLine($"Data Protection: the key ring holds {ring.Count} key(s); none created.");
        }
        return 0;
    }

    private static async Task<int> MoveAsync(string from, string target, int batchSize, int? rowsPerSecond)
    {
        var console = Terminal();
        var clock = Stopwatch.StartNew();
        await using var move = await HistoryMove.OpenAsync(from, target, batchSize, CancellationToken.None);
        console.MarkupLineInterpolated($"Moving {Path.GetFullPath(from)} into PostgreSQL database {new Npgsql.NpgsqlConnectionStringBuilder(target).Database} ({move.Tables.Count} tables, {move.SourceRows.Values.Sum():N0} rows, batches of {batchSize:N0}).");
        if (move.Resuming) console.WriteLine("Resuming the move this database holds: tables and batches already committed are not copied again.");
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var bars = move.Tables.ToDictionary(t => t.Name, t => context.AddTask(t.Name, autoStart: true, maxValue: Math.Max(1, move.SourceRows[t.Name])));
                    await move.CopyAsync(p => bars[p.Table].Value = p.Total == 0 ? 1 : p.Copied, CancellationToken.None, rowsPerSecond);
                });
        }
        else
        {
            // Redirected output (a log, a test): one line per committed batch instead of a redrawn bar.
            await move.CopyAsync(p =>
            {
                if (p.Committed) console.WriteLine($"{p.Table}: {p.Copied:N0} of {p.Total:N0} rows committed");
            }, CancellationToken.None, rowsPerSecond);
        }
        if (move.KeysReplaced > 0) console.WriteLine($"The {move.KeysReplaced} Data Protection key(s) migrate made in the empty database were replaced by the history's key ring.");

        var checks = await move.VerifyAsync(CancellationToken.None);
        var table = new Table().AddColumns("Table", "SQLite rows", "PostgreSQL rows", "SQLite hash", "PostgreSQL hash", "Same");
        foreach (var c in checks)
        {
            table.AddRow(c.Table, c.SourceRows.ToString("N0", CultureInfo.InvariantCulture), c.TargetRows.ToString("N0", CultureInfo.InvariantCulture),
                c.SourceHash[..12], c.TargetHash[..12], c.Same ? "yes" : "NO");
        }
        console.Write(table);
        var different = checks.Where(c => !c.Same).Select(c => c.Table).ToList();
        if (different.Count > 0)
        {
            Console.Error.WriteLine($"Filecheck Dashboard move-history failed: {different.Count} table(s) differ after the move ({string.Join(", ", different)}).");
            return Mismatch;
        }
        console.WriteLine($"Moved: every table has the same rows and content on both sides ({clock.Elapsed.TotalSeconds:0.0} s).");
        return 0;
    }

    /// <summary>The terminal, or for redirected output a console wide enough for the closing table.</summary>
    private static IAnsiConsole Terminal()
    {
        if (!Console.IsOutputRedirected) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(Console.Out) });
        console.Profile.Width = 160;
        return console;
    }
}
