using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Usage: dotnet Filecheck.HistoryWorker.dll --db <file> --base-url <url> --api-key <key> [--page-size 100] [--rpm 100000] [--max-details 0]
// Prints "page <n>" after each stored page of the job list, then "done <listed> <added>" (exit 0) or "failed <kind>" (exit 2).
var settings = new Dictionary<string, string?>
{
    ["Filecheck:Timeout"] = "00:00:05",
    ["Filecheck:TotalTimeout"] = "00:00:20",
    ["Filecheck:MaxRetries"] = "1",
    ["History:Sync:Enabled"] = "false",
    ["History:Sync:PageSize"] = "100",
    ["History:Sync:RequestsPerMinute"] = "100000",
    ["History:Sync:MaxDetailsPerRun"] = "0",
};
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var key = args[i] switch
    {
        "--db" => "History:DatabasePath",
        "--base-url" => "Filecheck:BaseUrl",
        "--api-key" => "Filecheck:ApiKey",
        "--page-size" => "History:Sync:PageSize",
        "--rpm" => "History:Sync:RequestsPerMinute",
        "--max-details" => "History:Sync:MaxDetailsPerRun",
        _ => throw new ArgumentException("Unknown argument " + args[i]),
    };
    settings[key] = args[i + 1];
}
var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
services.AddFilecheckClient(configuration);
services.AddStore(configuration);
services.AddHistory(configuration);
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

var status = provider.GetRequiredService<HistorySyncStatus>();
status.PageStored += pages => Console.Out.WriteLine("page " + pages);
var result = await provider.GetRequiredService<HistorySyncRunner>().RunOnceAsync();
if (result.Failure is { } failure)
{
    Console.Out.WriteLine("failed " + failure.Kind);
    return 2;
}
Console.Out.WriteLine($"done {result.Listed} {result.Added}");
return 0;
