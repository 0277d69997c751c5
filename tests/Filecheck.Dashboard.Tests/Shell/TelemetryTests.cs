using System.Diagnostics;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Filecheck.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>OpenTelemetry read back through the in-memory exporter, after real lookups against the sandbox over HTTP.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Lookups_InMemoryExporters_CountLookupCacheHitAndUpstreamCall_TraceRequestAndHttpClient_WithoutSecrets()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 20, NewJobEvery = null });
        using var store = new TempStore();
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var host = await HistoryHost.StartAsync(sandbox, store.File, configure: b => b.AddTelemetry(t => t
            .WithTracing(x => x.AddInMemoryExporter(spans))
            .WithMetrics(x => x.AddInMemoryExporter(metrics))));

        var first = await host.LookUpAsync(WellKnownJobs.Passing, "Alex Kim");
        var second = await host.LookUpAsync(WellKnownJobs.Passing, "Alex Kim");
        // A request to the dashboard and one through an HttpClient, each with a signature in its query.
        using (await host.Http.GetAsync("/no-such-page?X-Amz-Signature=dashboard-signature-0123")) { }
        using (var proofs = host.Get<IHttpClientFactory>().CreateClient(global::Filecheck.Dashboard.Jobs.Runs.RunsEndpoints.ProofClient))
        using (await proofs.GetAsync(new Uri(sandbox.BaseAddress, "jobs?limit=1&X-Amz-Signature=proof-signature-0123"))) { }
        // One lease held (SQLite's are always held): counted once, under its kind.
        await using var held = await host.Get<LeaseKeeper>().TryHoldAsync("telemetry-test:one", CancellationToken.None);
        host.Get<TracerProvider>().ForceFlush();
        host.Get<MeterProvider>().ForceFlush();

        // Copies: other tests' hosts in this process may still add spans while these are read.
        var recorded = spans.ToArray();
        var measured = metrics.ToArray();
        Assert.Null(first.Problem);
        Assert.True(second.FromStore);
        var instance = host.Get<DashboardMetrics>().InstanceId;
        long Sum(string name, params (string Key, string Value)[] tags) => measured
            .Where(m => m.Name == name && m.MeterTags is { } meterTags && meterTags.Any(t => t.Key == "dashboard.instance" && Equals(t.Value, instance)))
            .SelectMany(Points)
            .Where(p => tags.All(t => TagsOf(p).Any(pt => pt.Key == t.Key && Equals(pt.Value, t.Value))))
            .Sum(p => p.GetSumLong());
        Assert.Equal(1, Sum("filecheck.dashboard.lookups", ("result", "fresh")));
        Assert.Equal(1, Sum("filecheck.dashboard.lookups", ("result", "cache")));
        Assert.Equal(1, Sum("filecheck.dashboard.cache.hits"));
        Assert.True(Sum("filecheck.dashboard.upstream.calls", ("client", "filecheck"), ("outcome", "ok")) >= 1);
        Assert.NotNull(held);
        Assert.Equal(1, Sum("filecheck.dashboard.leases.held", ("lease", "telemetry-test")));

        var port = host.BaseAddress.Port;
        Assert.Contains(recorded, s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("server.port"), port) && Equals(s.GetTagItem("url.path"), "/no-such-page"));
        Assert.Contains(recorded, s => s.Kind == ActivityKind.Client && s.GetTagItem("url.full") is string url && url.StartsWith(sandbox.BaseAddress + "jobs/" + WellKnownJobs.Passing, StringComparison.Ordinal));
        Assert.Contains(recorded, s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("url.full"), new Uri(sandbox.BaseAddress, "jobs").ToString()));
        // The store's commands (SQLite here; Npgsql's own spans on PostgreSQL), with the SQL and never a value.
        Assert.Contains(recorded, s => s.Source.Name == TelemetrySetup.StoreSource && Equals(s.GetTagItem("db.system.name"), "sqlite")
            && s.GetTagItem("db.query.text") is string sql && sql.Contains("\"Jobs\"", StringComparison.Ordinal));
        // Never the key, never a query string with its signature.
        foreach (var span in recorded)
        {
            foreach (var (key, value) in span.TagObjects)
            {
                var text = value?.ToString() ?? "";
                Assert.DoesNotContain(sandbox.ApiKey, text);
                Assert.DoesNotContain("signature-0123", text);
                Assert.DoesNotContain("X-Amz-Signature", text);
            }
        }
    }

    [Fact]
    public void AddTelemetry_WithoutTheEndpoint_IsOff_WithIt_TracesAndMeters()
    {
        static IServiceProvider Built(string? endpoint)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [TelemetrySetup.EndpointKey] = endpoint });
            builder.AddTelemetry();
            return builder.Services.BuildServiceProvider();
        }

        var off = Built(null);
        var on = Built("http://127.0.0.1:4317");

        Assert.Null(off.GetService<TracerProvider>());
        Assert.Null(off.GetService<MeterProvider>());
        Assert.NotNull(off.GetService<DashboardMetrics>());
        Assert.NotNull(on.GetService<TracerProvider>());
        Assert.NotNull(on.GetService<MeterProvider>());
        (on as IDisposable)?.Dispose();
        (off as IDisposable)?.Dispose();
    }

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints()) points.Add(point);
        return points;
    }

    private static List<KeyValuePair<string, object?>> TagsOf(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags) tags.Add(tag);
        return tags;
    }
}
