using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Filecheck.Testing;

namespace Filecheck.Dashboard.Tests.Fuzz;

[CollectionDefinition(Name)]
public sealed class InputFuzzCollection : ICollectionFixture<FuzzFigures>
{
    public const string Name = "input-fuzz";
}

/// <summary>
/// What the input fuzz tried, per parser and through HTTP; written to the "input-fuzz" section of docs/reliability.md
/// once every test of the collection has run (so one section holds the unit and the HTTP figures together).
/// </summary>
public sealed class FuzzFigures : IDisposable
{
    private readonly ConcurrentDictionary<string, Counts> _parsers = new();
    private readonly ConcurrentDictionary<string, HttpCounts> _http = new();

    public sealed class Counts
    {
        public long Tried;
        public long Accepted;
        public string Property = "";
    }

    public sealed class HttpCounts
    {
        public int Sent;
        public int Rejected;
        public int ReachedApi;
        public int UnsafePaths;
        public int ServerErrors;
        /// <summary>Requests after which the history was hashed again: every rejected input, and every page that only reads.</summary>
        public int Checked;
        public int Unchanged;
        public readonly ConcurrentDictionary<int, int> Statuses = new();
    }

    /// <summary>Counts one input of <paramref name="parser"/>; <paramref name="accepted"/> when the parser took it.</summary>
    public void Tried(string parser, string property, bool accepted)
    {
        var c = _parsers.GetOrAdd(parser, _ => new Counts { Property = property });
        Interlocked.Increment(ref c.Tried);
        if (accepted) Interlocked.Increment(ref c.Accepted);
    }

    public HttpCounts Http(string route) => _http.GetOrAdd(route, _ => new HttpCounts());

    public long TriedBy(string parser) => _parsers.TryGetValue(parser, out var c) ? Interlocked.Read(ref c.Tried) : 0;

    public void Dispose()
    {
        if (_parsers.IsEmpty && _http.IsEmpty) return; // nothing ran (a filtered run of other tests)
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("Generated from hostile alphabets (control characters, look-alike and right-to-left Unicode, lone surrogates, `../`, `%2f`, `?#&=`, 1e400, NaN, -0, dates at the calendar's ends, strings up to 6,000 characters, real IDs wrapped in all of these) with CsCheck. Asserted: every property below, for every input.");
        md.AppendLine();
        md.AppendLine("| parser | inputs tried | accepted | rejected | what must hold (asserted) |");
        md.AppendLine("|---|---:|---:|---:|---|");
        foreach (var (name, c) in _parsers.OrderBy(p => p.Key, StringComparer.Ordinal))
            md.AppendLine(string.Create(inv, $"| {name} | {c.Tried:N0} | {c.Accepted:N0} | {c.Tried - c.Accepted:N0} | {c.Property} |"));
        if (!_http.IsEmpty)
        {
            md.AppendLine();
            md.AppendLine("Through HTTP: the production-like app (TestServer) with its Filecheck API a sandbox over real HTTP on loopback; every path the sandbox received checked against the API's own routes with exact job IDs; the history's tables hashed before and after each rejected input and each page that only reads. A request is rejected when it was answered 4xx without a request to the API. Asserted: no 5xx, no unsafe path, no change on a rejected input or a read, a redirect only to the jobs list.");
            md.AppendLine();
            md.AppendLine("| route | requests | rejected | requests that reached the API | unsafe paths at the API | 5xx | store unchanged (of those checked) | statuses |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var (route, h) in _http.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var statuses = string.Join(", ", h.Statuses.OrderBy(s => s.Key).Select(s => s.Key == InputFuzzOverHttpTests.NotSent
                    ? $"not sent (a NUL in the path, which Kestrel answers 400)×{s.Value}" : $"{s.Key}×{s.Value}"));
                md.AppendLine(string.Create(inv, $"| `{route}` | {h.Sent} | {h.Rejected} | {h.ReachedApi} | {h.UnsafePaths} | {h.ServerErrors} | {h.Unchanged} of {h.Checked} | {statuses} |"));
            }
            var all = _http.Values;
            md.AppendLine(string.Create(inv,
                $"| **all** | **{all.Sum(h => h.Sent)}** | **{all.Sum(h => h.Rejected)}** | **{all.Sum(h => h.ReachedApi)}** | **{all.Sum(h => h.UnsafePaths)}** | **{all.Sum(h => h.ServerErrors)}** | **{all.Sum(h => h.Unchanged)} of {all.Sum(h => h.Checked)}** | |"));
        }
        ReliabilityReport.Write("input-fuzz", md.ToString());
    }
}
