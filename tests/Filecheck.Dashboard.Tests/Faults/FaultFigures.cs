using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Filecheck.Sandbox;
using Filecheck.Testing;

namespace Filecheck.Dashboard.Tests.Faults;

[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultFigures>
{
    public const string Name = "faults";
}

/// <summary>A fault the sweep injects at the API: a sandbox fault, or the sandbox's listener closed (a refused connection).</summary>
public sealed record InjectedFault(string Name, SandboxFault? Fault, string Expected)
{
    /// <summary>Every fault of the sweep, with what the client makes of it (the failure staff read about).</summary>
    public static IReadOnlyList<InjectedFault> All { get; } =
    [
        new("429 with Retry-After: 1", SandboxFault.RateLimited, "RateLimited"),
        new("500", SandboxFault.ServerError, "Unavailable"),
        new("HTML 502", SandboxFault.HtmlBadGateway, "Unavailable"),
        new("503", SandboxFault.Unavailable, "Unavailable"),
        new("timeout (no answer)", SandboxFault.Hang, "Unavailable"),
        new("refused connection", null, "Unavailable"),
        new("malformed JSON", SandboxFault.MalformedJson, "Malformed"),
        new("truncated body", SandboxFault.TruncatedBody, "Unavailable"),
    ];

    public async Task InjectAsync(SandboxServer sandbox)
    {
        sandbox.Faults.RetryAfterSeconds = 1;
        if (Fault is { } fault) sandbox.Faults.Always(fault);
        else await sandbox.StopListeningAsync();
    }

    public async Task LiftAsync(SandboxServer sandbox)
    {
        sandbox.Faults.Clear();
        await sandbox.ListenAgainAsync();
    }
}

/// <summary>What each page said under each fault, and how long it took to show fresh data once the API answered again.</summary>
public sealed class FaultFigures : IDisposable
{
    private readonly ConcurrentDictionary<(string Fault, string Page), string> _outcomes = new();
    private readonly ConcurrentDictionary<(string Fault, string Page), TimeSpan> _recovery = new();
    private readonly ConcurrentBag<string> _pages = [];
    private readonly ConcurrentDictionary<string, string> _said = new();

    /// <summary>The sentence staff read for this fault (the client's <c>FilecheckFailureText</c>).</summary>
    public void Said(string fault, string sentence) => _said[fault] = sentence;

    public void Outcome(string fault, string page, string outcome)
    {
        if (!_pages.Contains(page)) _pages.Add(page);
        _outcomes[(fault, page)] = outcome;
    }

    public void Recovered(string fault, string page, TimeSpan after) => _recovery[(fault, page)] = after;

    public void Dispose()
    {
        if (_outcomes.IsEmpty) return;
        var pages = PageOrder.Where(p => _outcomes.Keys.Any(k => k.Page == p)).ToList();
        var faults = InjectedFault.All.Select(f => f.Name).Where(f => _outcomes.Keys.Any(k => k.Fault == f)).ToList();
        var md = new StringBuilder();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Faults injected at the API (a sandbox on loopback, reached over real HTTP): {faults.Count} ({string.Join(", ", faults)}), each kept on until every page showed it, then lifted. Pages checked: {pages.Count}. The staff pages are the real components on the real client and history (bUnit, one fresh client per fault so one fault's circuit breaker does not carry into the next; client timeout 2 s, no client retries), the public page the whole app over HTTP."));
        md.AppendLine();
        md.AppendLine("Asserted per cell: the page says what happened in the client's own words (`FilecheckFailureText`), shows the history's copy where it has one (marked stale), says it is trying again, and shows fresh data once the API answers, with no reload; pages that never ask Filecheck render as usual. The recovery time (from the API answering again to the fresh copy on the page) is measured, not asserted.");
        md.AppendLine();
        md.Append("| fault | the sentence staff read |");
        foreach (var p in pages) md.Append(' ').Append(p).Append(" |");
        md.AppendLine();
        md.Append("|---|---|");
        foreach (var _ in pages) md.Append("---|");
        md.AppendLine();
        foreach (var f in faults)
        {
            md.Append("| ").Append(f).Append(" | ").Append(_said.TryGetValue(f, out var sentence) ? "“" + sentence + "”" : "—").Append(" |");
            foreach (var p in pages)
            {
                var outcome = _outcomes.GetValueOrDefault((f, p), "—");
                var recovered = _recovery.TryGetValue((f, p), out var t) ? string.Create(CultureInfo.InvariantCulture, $"; **fresh after {t.TotalSeconds:0.0} s**") : "";
                md.Append(' ').Append(outcome).Append(recovered).Append(" |");
            }
            md.AppendLine();
        }
        if (!_recovery.IsEmpty)
        {
            var times = _recovery.Values.Select(t => t.TotalSeconds).Order().ToList();
            md.AppendLine();
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Recovery times over {times.Count} recoveries: median {times[times.Count / 2]:0.0} s, longest {times[^1]:0.0} s (a page tries again after 1 s, then 2, 4, … up to 30 s, or after Filecheck's Retry-After)."));
        }
        ReliabilityReport.Write("faults", md.ToString());
    }

    public static readonly string[] PageOrder =
        ["job page (no stored copy)", "job page (stored copy)", "home / lookup", "jobs list", "trends", "new check", "shares", "public share page"];
}
