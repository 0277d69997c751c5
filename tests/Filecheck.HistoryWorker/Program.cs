using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Usage: dotnet Filecheck.HistoryWorker.dll --db <file> --base-url <url> --api-key <key> [--page-size 100] [--rpm 100000] [--max-details 0]
//        [--postgres <connection string>] [--rollups utc]
// --postgres: the store is that PostgreSQL database instead of the file; --rollups: the trend rollups kept with every write (UTC days).
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
        "--postgres" => "ConnectionStrings:History",
        "--rollups" => "Worker:Rollups",
        _ => throw new ArgumentException("Unknown argument " + args[i]),
    };
    settings[key] = args[i + 1];
}
if (settings.ContainsKey("ConnectionStrings:History")) settings["History:Provider"] = "Postgres";
var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
services.AddFilecheckClient(configuration);
services.AddStore(configuration);
services.AddHistory(configuration);
if (configuration["Worker:Rollups"] is not null)
{
    services.AddSingleton(Filecheck.Dashboard.Trends.Rollups.RollupZone.Utc);
    services.AddSingleton<Filecheck.Dashboard.Trends.Rollups.RollupWriter>();
    services.AddSingleton<IHistoryWriteListener>(sp => sp.GetRequiredService<Filecheck.Dashboard.Trends.Rollups.RollupWriter>());
}
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
