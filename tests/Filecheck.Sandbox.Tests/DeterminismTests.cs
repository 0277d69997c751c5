using System.Text.RegularExpressions;

namespace Filecheck.Sandbox.Tests;

public sealed class DeterminismTests
{
    /// <summary>Signed URLs differ by port, expiry and per-server secret; everything else must not.</summary>
    private static string Normalize(string body) =>
        Regex.Replace(body, @"http://127\.0\.0\.1:\d+(/[^""?]*)\?expires=\d+&sig=[0-9a-f]+", "$1");

    private static async Task<List<string>> Snapshot(Sandbox sb)
    {
        var bodies = new List<string>();
        var (_, list) = await sb.GetAsync("/jobs?limit=100");
        bodies.Add(list);
        var ids = Regex.Matches(list, "\"id\":\"(job_[a-z0-9_]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        foreach (var id in ids.Where((_, i) => i % 4 == 0).Concat([WellKnownJobs.Failing, WellKnownJobs.Running]))
        {
            bodies.Add(Normalize((await sb.GetAsync($"/jobs/{id}")).Body));
            bodies.Add(Normalize((await sb.GetAsync($"/jobs/{id}?expand=runs")).Body));
        }
        return bodies;
    }

    [Fact]
    public async Task SameSeed_GivesIdenticalListsAndBodies()
    {
        await using var a = await Sandbox.StartAsync(o => o.Seed = 7);
        await using var b = await Sandbox.StartAsync(o => o.Seed = 7);
        var sa = await Snapshot(a);
        var sb = await Snapshot(b);
        Assert.Equal(sa.Count, sb.Count);
        for (var i = 0; i < sa.Count; i++) Assert.Equal(sa[i], sb[i]);
        Assert.Contains(sa, s => s.Contains("?expires=") is false && s.Contains("/files/")); // URLs were there, normalized
    }

    [Fact]
    public async Task DifferentSeeds_GiveDifferentJobs()
    {
        await using var a = await Sandbox.StartAsync(o => o.Seed = 7);
        await using var b = await Sandbox.StartAsync(o => o.Seed = 8);
        var (_, la) = await a.GetAsync("/jobs?limit=50");
        var (_, lb) = await b.GetAsync("/jobs?limit=50");
        Assert.NotEqual(la, lb);
    }

    [Fact]
    public async Task JobContent_DoesNotDependOnJobCount()
    {
        await using var small = await Sandbox.StartAsync(o => o.JobCount = 100);
        await using var large = await Sandbox.StartAsync(o => o.JobCount = 5000);
        // Well-known jobs are generated from their own seed: each one, full and as runs, is identical whatever the count.
        foreach (var (id, _) in WellKnownJobs.All)
        foreach (var path in new[] { $"/jobs/{id}", $"/jobs/{id}?expand=runs" })
        {
            var (status, body) = await small.GetAsync(path);
            Assert.True(status == 200, $"GET {path} -> {status}");
            Assert.Equal(Normalize(body), Normalize((await large.GetAsync(path)).Body));
        }
    }
}
