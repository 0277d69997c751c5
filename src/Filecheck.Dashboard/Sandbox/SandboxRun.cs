using System.Globalization;
using System.Security.Cryptography;
using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Sandbox;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// The built-in sandbox, started before the dashboard's host is built (by Program, or by a test host on its own) and
/// handed to the dashboard as settings: the client's URL and key, a history file of its own, its webhook secrets, the
/// only origin of proofs and the sync's lifted budgets. The dashboard reads them as any setting: no feature's options
/// are changed after they are bound.
/// </summary>
public sealed class SandboxRun : IAsyncDisposable, IDisposable
{
    /// <summary>Set when the dashboard runs on a started sandbox (its address): what <see cref="BackendInfo"/> reads.</summary>
    public const string UrlKey = "Sandbox:Url";

    private readonly SandboxDatabase _database;
    private int _disposed;

    private SandboxRun(SandboxServer server, SandboxOptions options, SandboxDatabase database, IReadOnlyDictionary<string, string?> settings)
    {
        Server = server;
        Options = options;
        _database = database;
        Settings = settings;
    }

    public SandboxServer Server { get; }

    /// <summary>The sandbox's settings; the webhook target is filled in once the dashboard listens (MapSandbox).</summary>
    public SandboxOptions Options { get; }

    /// <summary>What the dashboard is handed, as configuration keys.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The history file of this run (a fresh <c>*.sandbox.db</c>).</summary>
    public string DatabaseFile => _database.Path;

    /// <summary>Development with no <c>Filecheck:BaseUrl</c> asks for the sandbox; outside Development it never starts.</summary>
    public static bool IsWanted(IConfiguration configuration, string environmentName) =>
        environmentName == Environments.Development
        && string.IsNullOrWhiteSpace(configuration[$"{FilecheckOptions.SectionName}:BaseUrl"])
        && string.IsNullOrWhiteSpace(configuration[UrlKey]);

    /// <summary>Starts the sandbox from the <c>Sandbox</c> section (a bad value refuses the start, naming its key).</summary>
    public static async Task<SandboxRun> StartAsync(IConfiguration configuration, string contentRoot)
    {
        var options = new SandboxOptions();
        configuration.GetSection(SandboxOptionsValidator.Section).Bind(options);
        var check = new SandboxOptionsValidator().Validate(null, options);
        if (check.Failed) throw new OptionsValidationException(SandboxOptionsValidator.Section, typeof(SandboxOptions), check.Failures);

        // Its webhooks come to this dashboard with a secret and a signing secret made up now, unless configured. Read
        // key by key: a malformed value elsewhere in the section is for the history's own check to name.
        var webhooks = HistoryOptions.Section + ":Webhooks:";
        var secret = Configured(webhooks + "Secret") ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var signing = Configured(webhooks + "SigningSecret") ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        options.WebhookHeaders[Configured(webhooks + "SecretHeader") ?? new HistoryWebhookOptions().SecretHeader] = secret;
        options.WebhookUrl ??= SandboxWebhooks.Placeholder;
        options.WebhookSigningSecret = signing;

        var database = new SandboxDatabase(DataSetup.FullPath(configuration[StoreOptions.DatabasePathKey] ?? new StoreOptions().DatabasePath, contentRoot));
        SandboxServer server;
        try
        {
            server = await SandboxServer.StartAsync(options);
        }
        catch
        {
            database.Dispose();
            throw;
        }
        // A loopback API of generated jobs: read all of it at once, so /trends shows its whole history within a minute
        // of start, in fewer, larger writes. A real Filecheck account keeps the configured budgets.
        var sync = HistoryOptions.Section + ":Sync:";
        string AtLeast(string name, int floor) => Math.Max(int.TryParse(configuration[sync + name], CultureInfo.InvariantCulture, out var v) ? v : 0, floor)
            .ToString(CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            [UrlKey] = server.BaseAddress.ToString(),
            [$"{FilecheckOptions.SectionName}:BaseUrl"] = server.BaseAddress.ToString(),
            [$"{FilecheckOptions.SectionName}:ApiKey"] = server.ApiKey,
            // Proofs and downloads come from the sandbox itself, and from nowhere else.
            [$"{ArtifactOptions.Section}:{nameof(ArtifactOptions.OnlyOrigin)}"] = server.BaseAddress.ToString(),
            [StoreOptions.DatabasePathKey] = database.Path,
            [webhooks + "Secret"] = secret,
            [webhooks + "SigningSecret"] = signing,
            [sync + "DetailConcurrency"] = AtLeast("DetailConcurrency", 16),
            [sync + "DetailBatch"] = AtLeast("DetailBatch", 100),
            [sync + "RequestsPerMinute"] = AtLeast("RequestsPerMinute", 1_000_000),
            [sync + "MaxDetailsPerRun"] = AtLeast("MaxDetailsPerRun", 1_000_000),
        };
        return new SandboxRun(server, options, database, settings);

        string? Configured(string key) => string.IsNullOrEmpty(configuration[key]) ? null : configuration[key];
    }

    /// <summary>For a host disposed without awaiting (its container disposes what it made).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Server.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>Program's (and a test host's) one call before <c>AddDashboard</c>.</summary>
public static class SandboxStart
{
    /// <summary>
    /// In sandbox mode (<see cref="SandboxRun.IsWanted"/>), starts the sandbox now, before the host is built, and hands
    /// its settings to the builder; the host owns it from then on (stopped with the host).
    /// </summary>
    public static async Task<SandboxRun?> StartSandboxIfWantedAsync(this IHostApplicationBuilder builder)
    {
        if (!SandboxRun.IsWanted(builder.Configuration, builder.Environment.EnvironmentName)) return null;
        var run = await SandboxRun.StartAsync(builder.Configuration, builder.Environment.ContentRootPath);
        builder.UseSandbox(run);
        return run;
    }

    /// <summary>Points the dashboard at a sandbox already started (a test host starts its own before the app).</summary>
    public static void UseSandbox(this IHostApplicationBuilder builder, SandboxRun run)
    {
        builder.Configuration.AddInMemoryCollection(run.Settings);
        builder.Services.AddSingleton(_ => run);
    }

    /// <summary>The same for a web host a test builds (WebApplicationFactory), which takes settings as <c>UseSetting</c>.</summary>
    public static IWebHostBuilder UseSandbox(this IWebHostBuilder builder, SandboxRun run)
    {
        foreach (var (key, value) in run.Settings) builder.UseSetting(key, value);
        return builder.ConfigureServices(s => s.AddSingleton(_ => run));
    }
}
