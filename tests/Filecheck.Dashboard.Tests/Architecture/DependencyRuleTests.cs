namespace Filecheck.Dashboard.Tests.Architecture;

/// <summary>
/// The dependency rule of docs/architecture.md, held on the compiled assembly: a part references another only when
/// <see cref="AllowedReferences"/> lists it (every part may use Data and Shell).
/// </summary>
public sealed class DependencyRuleTests
{
    private static readonly IReadOnlyList<FeatureReference> References =
        FeatureReferences.Read(typeof(Filecheck.Dashboard.DashboardFeatures).Assembly.Location);

    [Fact]
    public void Dashboard_EveryReferenceBetweenParts_IsAllowed()
    {
        var forbidden = References.Where(r => !AllowedReferences.Permits(r.From, r.To))
            .Select(r => $"{r.From} -> {r.To}: {r.FromType} uses {r.ToType}").ToList();

        Assert.True(forbidden.Count == 0,
            "References between parts that docs/architecture.md does not allow (add an extension point or a port owned by the user, "
            + "or, if the reference is right, an entry with its reason in AllowedReferences.cs):\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void AllowedReferences_EveryEntry_IsStillUsed()
    {
        var used = References.Select(r => (r.From, r.To)).ToHashSet();
        var stale = AllowedReferences.Entries.Where(e => !used.Contains((e.From, e.To))).Select(e => $"{e.From} -> {e.To}").ToList();

        Assert.True(stale.Count == 0, "Allowed references nothing uses any more (remove them from AllowedReferences.cs):\n" + string.Join("\n", stale));
    }

    [Fact]
    public void AllowedReferences_Entries_FormNoCycle()
    {
        var edges = AllowedReferences.Entries.ToLookup(e => e.From, e => e.To);
        foreach (var start in FeatureReferences.Parts)
        {
            var reached = new HashSet<string>();
            var next = new Stack<string>(edges[start]);
            while (next.TryPop(out var part))
            {
                Assert.False(part == start, $"{start} reaches itself through the allowed references: dependencies must point one way.");
                if (reached.Add(part)) foreach (var to in edges[part]) next.Push(to);
            }
        }
    }

    [Fact]
    public void Read_ReferenceOnlyInAMethodBody_IsFound()
    {
        // SharingSetup names JobsSlots only in AddSharing's IL (a static field read): signatures alone would miss it.
        Assert.Contains(References, r => r.FromType == "Filecheck.Dashboard.Sharing.SharingSetup" && r.ToType == "Filecheck.Dashboard.Jobs.JobsSlots");
    }
}
