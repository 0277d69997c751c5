using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Generation;

/// <summary>The scripted jobs behind <see cref="WellKnownJobs"/>: same content for every seed, times relative to start.</summary>
internal static class WellKnownPlans
{
    private static readonly string[] CardChain = ["preflight", "autofix", "repreflight", "previews", "proof"];

    private static JobMeta Store(string wf, string rule, string profile, string order, string customer, string email) =>
        new("store", wf, rule, profile, null)
        {
            OrderId = order, CustomerId = customer, CustomerEmail = email,
            MetaData = new JsonObject { ["cartId"] = "cart_" + order[6..] },
        };

    public static IEnumerable<JobPlan> All(DateTimeOffset start)
    {
        yield return Passing(start - TimeSpan.FromHours(2));
        yield return Warning(start - TimeSpan.FromHours(5));
        yield return Failing(start - TimeSpan.FromHours(26));
        yield return Fixed(start - TimeSpan.FromHours(50));
        yield return Running(start);
        yield return Large(start - TimeSpan.FromDays(3));
    }

    private static Random Rng(string id) => new(StableHash(id));

    private static int StableHash(string s)
    {
        ulong h = 1469598103934665603;
        foreach (var c in s) h = (h ^ c) * 1099511628211;
        return (int)(Ids.Mix(h) & 0x7FFFFFFF);
    }

    private static JobPlan Passing(DateTimeOffset at) => JobGenerator.Build(WellKnownJobs.Passing, at, Rng(WellKnownJobs.Passing),
        Store("wf_business_cards", "rule_business_cards", "preflight_standard_cards", "order_5512", "cust_301", "buyer@example.com"),
        [new("business-card-front.pdf", CardChain) { Findings = [], ErrorAtStep = -1, Pages = 1 },
         new("business-card-back.pdf", CardChain) { Findings = [], ErrorAtStep = -1, Pages = 1 }]);

    private static JobPlan Warning(DateTimeOffset at)
    {
        var rng = Rng(WellKnownJobs.Warning);
        return JobGenerator.Build(WellKnownJobs.Warning, at, rng,
            Store("wf_flyers", "rule_flyers_a5", "preflight_standard_flyers", "order_6120", "cust_977", "lena.jensen@example.com"),
            [new("flyer_A5_v3.pdf", ["preflight", "previews", "proof"])
            {
                ErrorAtStep = -1, Pages = 2,
                Findings =
                [
                    Finding.Create(Catalog.Check("Minimum Resolution"), rng, new Dictionary<string, string> { ["actual.min"] = "72", ["target.effective"] = "150" }),
                    Finding.Create(Catalog.Check("Maximum Ink Coverage"), rng, new Dictionary<string, string> { ["actual.percent"] = "342", ["target.percent"] = "300" }),
                ],
            },
            new("flyer_A5_back.pdf", ["preflight", "previews", "proof"])
            {
                ErrorAtStep = -1, Pages = 1,
                Findings = [Finding.Create(Catalog.Check("Minimum Resolution"), rng, new Dictionary<string, string> { ["actual.min"] = "110", ["target.effective"] = "150" })],
            }]);
    }

    private static JobPlan Failing(DateTimeOffset at)
    {
        var rng = Rng(WellKnownJobs.Failing);
        return JobGenerator.Build(WellKnownJobs.Failing, at, rng,
            new JobMeta("api", "wf_books", null, "preflight_standard_books", "x4") { OnFail = "reject" },
            [new("brochure-8pp.pdf", ["preflight", "validate", "previews"])
            {
                ErrorAtStep = -1, Pages = 8, Compliant = false,
                Findings =
                [
                    Finding.Create(Catalog.Check("Fonts Embedded"), rng, new Dictionary<string, string> { ["actual.fonts"] = "Helvetica" }),
                    Finding.Create(Catalog.Check("Bleed Lines"), rng, new Dictionary<string, string> { ["actual.bleed_mm"] = "0", ["target.required_mm"] = "3" }),
                ],
            }]);
    }

    private static JobPlan Fixed(DateTimeOffset at)
    {
        var rng = Rng(WellKnownJobs.Fixed);
        return JobGenerator.Build(WellKnownJobs.Fixed, at, rng,
            Store("wf_business_cards", "rule_business_cards", "preflight_standard_cards", "order_7031", "cust_1204", "marco.rossi@example.com"),
            [new("business-card.pdf", CardChain)
            {
                ErrorAtStep = -1, Pages = 2,
                Findings =
                [
                    Finding.Create(Catalog.Check("Document Color Mode"), rng, new Dictionary<string, string> { ["actual.found"] = "RGB", ["target.allowed"] = "CMYK" }),
                    Finding.Create(Catalog.Check("Bleed Lines"), rng, new Dictionary<string, string> { ["actual.bleed_mm"] = "0", ["target.required_mm"] = "3" }),
                ],
            }]);
    }

    /// <summary>Starts at server start; the last step ends about three minutes later.</summary>
    private static JobPlan Running(DateTimeOffset at)
    {
        var rng = Rng(WellKnownJobs.Running);
        static TimeSpan[] S(params int[] seconds) => seconds.Select(s => TimeSpan.FromSeconds(s)).ToArray();
        return JobGenerator.Build(WellKnownJobs.Running, at, rng,
            Store("wf_business_cards", "rule_business_cards", "preflight_standard_cards", "order_8800", "cust_2048", "nora.novak@example.com"),
            [new("business-card-front.pdf", CardChain)
            {
                ErrorAtStep = -1, Pages = 1, Durations = S(30, 45, 25, 20, 15), Offset = TimeSpan.Zero,
                Findings = [Finding.Create(Catalog.Check("Document Color Mode"), rng, new Dictionary<string, string> { ["actual.found"] = "RGB", ["target.allowed"] = "CMYK" })],
            },
            new("business-card-back.pdf", CardChain)
            {
                ErrorAtStep = -1, Pages = 1, Durations = S(40, 50, 35, 30, 20), Offset = TimeSpan.FromSeconds(2), Findings = [],
            }],
            jobWait: TimeSpan.FromSeconds(3));
    }

    private static JobPlan Large(DateTimeOffset at) => ManyFiles(WellKnownJobs.Large, 200, at);

    /// <summary>2,000 files like the 200 of the large job: what a heavy page costs (see bench/README.md).</summary>
    public static JobPlan Huge(DateTimeOffset start) => ManyFiles(WellKnownJobs.Huge, 2000, start - TimeSpan.FromDays(4));

    private static JobPlan ManyFiles(string id, int files, DateTimeOffset at)
    {
        var rng = Rng(id);
        var specs = new List<TaskSpec>();
        for (var i = 1; i <= files; i++)
        {
            Finding[] findings = (i % 29) switch
            {
                3 => [Finding.Create(Catalog.Check("Minimum Resolution"), rng)],
                17 when i > 100 => [Finding.Create(Catalog.Check("Fonts Embedded"), rng)],
                _ => [],
            };
            specs.Add(new TaskSpec(files > 999 ? $"page-{i:0000}.pdf" : $"page-{i:000}.pdf", ["preflight", "previews"]) { Findings = findings, ErrorAtStep = -1, Pages = 1 });
        }
        return JobGenerator.Build(id, at, rng,
            new JobMeta("admin", "wf_books", "rule_books_softcover", "preflight_standard_books", null) { OnFail = "manual_review" }, specs);
    }

    /// <summary>A job for live-update tests: every file runs preflight, autofix, repreflight, proof back to back.</summary>
    public static JobPlan Created(string id, DateTimeOffset at, int files, TimeSpan stepDuration, Random rng)
    {
        var specs = Enumerable.Range(1, files).Select(i => new TaskSpec($"upload-{i}.pdf", ["preflight", "autofix", "repreflight", "proof"])
        {
            ErrorAtStep = -1, Pages = 1, Offset = TimeSpan.Zero,
            Durations = Enumerable.Repeat(stepDuration, 4).ToArray(),
            Findings = i == 1 ? [Finding.Create(Catalog.Check("Bleed Lines"), rng)] : [],
        }).ToArray();
        return JobGenerator.Build(id, at, rng, new JobMeta("api", null, null, "default", null) { OnFail = "accept_with_warnings" }, specs, jobWait: TimeSpan.Zero);
    }
}
