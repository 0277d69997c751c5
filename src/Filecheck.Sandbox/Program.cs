using System.Globalization;
using System.Runtime.InteropServices;
using Filecheck.Sandbox;

// dotnet run --project src/Filecheck.Sandbox -- --port 5081 --seed 42 --jobs 5000 --key sk_test_...
var options = new SandboxOptions { Port = 5081 };
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--port": options.Port = Int(); break;
        case "--seed": options.Seed = Int(); break;
        case "--jobs": options.JobCount = Int(); break;
        case "--days": options.Days = Int(); break;
        case "--running": options.RunningJobs = Int(); break;
        case "--key": options.ApiKey = Value(); break;
        case "--new-job-every": options.NewJobEvery = TimeSpan.FromSeconds(Int()) is { TotalSeconds: > 0 } t ? t : null; break;
        case "--webhook": options.WebhookUrl = new Uri(Value()); break;
        case "--webhook-secret": options.WebhookSigningSecret = Value(); break;
        case "--webhook-header":
            var kv = Value().Split(':', 2);
            options.WebhookHeaders[kv[0].Trim()] = kv.Length > 1 ? kv[1].Trim() : "";
            break;
        case "--help" or "-h":
            Console.WriteLine("Filecheck sandbox: --port 5081 --seed 42 --jobs 5000 --days 180 --running 4 --key sk_test_... " +
                              "--new-job-every 30 --webhook URL --webhook-secret S --webhook-header 'Name: value'");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]} (try --help)");
            return 2;
    }
}

await using var server = await SandboxServer.StartAsync(options);
Console.WriteLine($"Filecheck sandbox listening on {server.BaseAddress}");
Console.WriteLine($"API key: {server.ApiKey}");
Console.WriteLine($"Jobs: {server.Jobs.Count} (seed {options.Seed})");
foreach (var (id, description) in WellKnownJobs.All) Console.WriteLine($"  {id,-20} {description}");
Console.WriteLine("Ctrl+C to stop.");

var stop = new TaskCompletionSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // stop gracefully below instead of being killed mid-request
    stop.TrySetResult();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
await stop.Task;
Console.WriteLine("Stopping.");
return 0;

// Kept internal: the dashboard references this project and has its own public Program for test hosts.
internal partial class Program;
