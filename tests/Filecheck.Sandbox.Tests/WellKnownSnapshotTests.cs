using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Filecheck.Sandbox.Tests;

/// <summary>The well-known jobs are what README, tests and support scripts point at: the story must not change them.</summary>
public sealed class WellKnownSnapshotTests
{
    private static string Normalize(string body) =>
        Regex.Replace(body, @"http://127\.0\.0\.1:\d+(/[^""?]*)\?expires=\d+&sig=[0-9a-f]+", "$1");

    // SHA-256 of each job's normalized GET /jobs/{id} body at the default test clock, taken before the sandbox's story existed.
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["job_demo_passing"] = "48973482fd124b6786b7b58782f3197edba532e08d1f78f8b20b97103e407be4",
        ["job_demo_warning"] = "5db5b6a3688ee86880e45642ab80a623199d4906490cb051b2cfff70f01db478",
        ["job_demo_failing"] = "114c7a6e59b31e3dcb71ec1e983c03d410231b08da96efbb178abda74576c103",
        ["job_demo_fixed"] = "57a6eea1ca73837ca7d6b6846402bee2e5121ff930252329e8ff0302252af395",
        ["job_demo_running"] = "c898f2e9e50cb1e58ae52a9937eb3f4a54460b01d96231bcd5b0e78ca377d368",
        ["job_demo_large"] = "3bcd1663f5285221df650e96cb69df68b6f685753ffaaa1e4dc10001146b8135",
    };

    [Fact]
    public async Task WellKnownJobs_BodiesAtFixedClock_UnchangedByTheStory()
    {
        await using var sb = await Sandbox.StartAsync();
        var actual = new Dictionary<string, string>();
        foreach (var (id, _) in WellKnownJobs.All)
        {
            var (_, body) = await sb.GetAsync($"/jobs/{id}");
            actual[id] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(body))));
        }
        Assert.True(Expected.Count == actual.Count && Expected.All(kv => actual[kv.Key] == kv.Value),
            "well-known jobs changed:\n" + string.Join("\n", actual.Select(kv => $"[\"{kv.Key}\"] = \"{kv.Value}\",")));
    }
}
