using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Filecheck.Api.Models;
using Filecheck.Sandbox.Generation;

namespace Filecheck.Sandbox;

/// <summary>
/// The sandbox's jobs. Only a compact index is kept (one creation time per job); a job's content is generated on
/// demand from a seed derived from the server seed and the job's position, so a million jobs fit in a few MB.
/// Status follows the clock: nothing is stored when a step starts or ends.
/// </summary>
public sealed class SandboxStore
{
    private const ulong StreamTimes = 1, StreamHistory = 2, StreamRunning = 3, StreamArrival = 4, StreamCreated = 5, StreamKeys = 6;
    private const int KindIndexed = 0, KindArrival = 1;
    private const double RunningSpeed = 8.0;

    private readonly SandboxOptions _options;
    private readonly TimeProvider _clock;
    private readonly JobRenderer _renderer;
    private readonly long[] _ms; // creation times (unix ms), ascending and unique: history first, then the jobs running at start
    private readonly int _history;
    private readonly ulong _k1, _k2, _mul, _inv;
    private readonly ConcurrentDictionary<string, JobPlan> _explicit = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private JobPlan[] _explicitNewestFirst = [];
    private int _createdCount;

    internal SandboxStore(SandboxOptions options, DateTimeOffset start, JobRenderer renderer)
    {
        _options = options;
        _clock = options.Clock;
        _renderer = renderer;
        Start = start;
        _history = Math.Max(0, options.JobCount);
        var keys = new Random(Ids.Seed(options.Seed, StreamKeys, 0));
        _k1 = (ulong)keys.NextInt64();
        _k2 = (ulong)keys.NextInt64();
        _mul = (ulong)keys.NextInt64() | 1UL;
        _inv = Ids.InverseOdd(_mul);
        Story = new SandboxStory(start);
        _ms = CreationTimes(options, start, _history);
        foreach (var plan in WellKnownPlans.All(start)) AddExplicit(plan);
        if (options.HugeJob) AddExplicit(WellKnownPlans.Huge(start));
    }

    internal DateTimeOffset Start { get; }

    /// <summary>The changes planted in the generated history (dates relative to <see cref="Start"/>).</summary>
    public SandboxStory Story { get; }

    /// <summary>Jobs that exist now: history, the running ones, arrivals so far, well-known and created ones.</summary>
    public int Count => _ms.Length + ArrivalCount(_clock.GetUtcNow()) + _explicit.Count;

    /// <summary>The full job as <c>GET /jobs/{id}</c> returns it right now (fresh signed URLs), or null.</summary>
    public Job? Get(string id) => TryGetPlan(id, out var plan) ? _renderer.Full(plan, _clock.GetUtcNow()) : null;

    /// <summary>A job that starts now: every file runs preflight, autofix, repreflight and proof, each taking <paramref name="stepDuration"/>.</summary>
    public string CreateRunningJob(int files, TimeSpan stepDuration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(files, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(files, 50);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stepDuration, TimeSpan.Zero);
        var n = Interlocked.Increment(ref _createdCount);
        var rng = new Random(Ids.Seed(_options.Seed, StreamCreated, n));
        var now = Truncate(_clock.GetUtcNow());
        var id = Ids.Ulid("job_", now.ToUnixTimeMilliseconds(), rng);
        var plan = WellKnownPlans.Created(id, now, files, stepDuration, rng);
        AddExplicit(plan);
        NewlyCreated.Enqueue(plan);
        return id;
    }

    /// <summary>A job submitted through <c>POST /jobs</c>: it starts now and runs with the clock.</summary>
    internal JobPlan Submit(Func<string, DateTimeOffset, Random, JobPlan> build)
    {
        var n = Interlocked.Increment(ref _createdCount);
        var rng = new Random(Ids.Seed(_options.Seed, StreamCreated, n));
        var now = Truncate(_clock.GetUtcNow());
        var plan = build(Ids.Ulid("job_", now.ToUnixTimeMilliseconds(), rng), now, rng);
        AddExplicit(plan);
        if (_options.WebhookUrl is not null) NewlyCreated.Enqueue(plan); // only the webhook sender drains the queue
        return plan;
    }

    internal ConcurrentQueue<JobPlan> NewlyCreated { get; } = new();

    internal static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    private void AddExplicit(JobPlan plan)
    {
        lock (_gate)
        {
            _explicit[plan.Id] = plan;
            _explicitNewestFirst = _explicit.Values
                .OrderByDescending(p => p.Created.ToUnixTimeMilliseconds()).ThenByDescending(p => p.Id, StringComparer.Ordinal).ToArray();
        }
    }

    // ---- creation times -------------------------------------------------------------------------------------------

    private static long[] CreationTimes(SandboxOptions o, DateTimeOffset start, int history)
    {
        var running = Math.Max(0, o.RunningJobs);
        var times = new long[history + running];
        var rng = new Random(Ids.Seed(o.Seed, StreamTimes, 0));
        var end = start.ToUnixTimeMilliseconds() - (long)TimeSpan.FromMinutes(15).TotalMilliseconds;
        var begin = start.ToUnixTimeMilliseconds() - (long)TimeSpan.FromDays(Math.Max(1, o.Days)).TotalMilliseconds;
        var span = end - begin;
        var rhythm = new RhythmTable(begin, end);
        for (var i = 0; i < history;)
        {
            var t = begin + (long)(rng.NextDouble() * span);
            if (rng.NextDouble() * RhythmMax < rhythm.At(t, begin, span)) times[i++] = t;
        }
        Array.Sort(times, 0, history);
        // Jobs started in the last minute or two, still running at start.
        var rr = new Random(Ids.Seed(o.Seed, StreamRunning, 0));
        for (var r = 0; r < running; r++)
            times[history + r] = start.ToUnixTimeMilliseconds() - rr.Next(20_000, 90_000);
        Array.Sort(times, history, running);
        for (var i = 1; i < times.Length; i++)
            if (times[i] <= times[i - 1]) times[i] = times[i - 1] + 1; // unique, so a (time, id) cursor is exact
        return times;
    }

    private const double RhythmMax = 1.2 * 1.3; // the largest trend times the largest season

    /// <summary>
    /// Relative arrival rate: office hours, quiet weekends, a print season peaking before Christmas, slow growth.
    /// Tabled per minute of the day and per day, so a million draws cost no calendar arithmetic.
    /// </summary>
    private sealed class RhythmTable
    {
        private const long DayMs = 86_400_000;
        private static readonly double[] Minute = Enumerable.Range(0, 1440)
            .Select(m => 0.12 + 0.88 * Math.Exp(-Math.Pow(m / 60 + m % 60 / 60.0 - 13, 2) / (2 * 3.5 * 3.5))).ToArray();
        private readonly long _firstDay;
        private readonly double[] _week;
        private readonly double[] _season;

        public RhythmTable(long begin, long end)
        {
            _firstDay = begin / DayMs;
            var days = (int)(end / DayMs - _firstDay + 1);
            _week = new double[days];
            _season = new double[days];
            for (var i = 0; i < days; i++)
            {
                var date = DateTimeOffset.FromUnixTimeMilliseconds((_firstDay + i) * DayMs).UtcDateTime;
                _week[i] = date.DayOfWeek switch { DayOfWeek.Saturday => 0.45, DayOfWeek.Sunday => 0.3, _ => 1.0 };
                _season[i] = Season(date);
            }
        }

        public double At(long ms, long begin, long span)
        {
            var day = ms / DayMs;
            var i = (int)(day - _firstDay);
            var trend = 0.8 + 0.4 * (ms - begin) / Math.Max(1, span);
            return Minute[(int)((ms - day * DayMs) / 60_000)] * _week[i] * trend * _season[i];
        }
    }

    internal static double Season(DateTime t) => 1.0 + 0.3 * Math.Cos(2 * Math.PI * (t.DayOfYear - 349) / 365.25);

    // ---- ids ------------------------------------------------------------------------------------------------------

    private string MakeId(long ms, int kind, long ordinal)
    {
        var v = (((ulong)kind << 60 | (ulong)ordinal) ^ _k1) * _mul ^ _k2;
        Span<char> buf = stackalloc char[30];
        "job_".CopyTo(buf);
        Ids.EncodeTime(buf.Slice(4, 10), ms);
        Ids.Encode64(buf.Slice(14, 13), v);
        var check = Ids.Mix(v ^ _k1);
        Span<char> tail = stackalloc char[13];
        Ids.Encode64(tail, check);
        tail[^3..].CopyTo(buf[27..]);
        return new string(buf);
    }

    private bool TryDecode(string id, out int kind, out long ordinal)
    {
        kind = -1;
        ordinal = -1;
        if (id.Length != 30 || !id.StartsWith("job_", StringComparison.Ordinal)) return false;
        if (!Ids.TryDecode64(id.AsSpan(14, 13), out var v)) return false;
        var x = ((v ^ _k2) * _inv) ^ _k1;
        kind = (int)(x >> 60);
        ordinal = (long)(x & ((1UL << 60) - 1));
        return true;
    }

    private string IndexedId(int i) => MakeId(_ms[i], KindIndexed, i);

    // ---- arrivals -------------------------------------------------------------------------------------------------

    private DateTimeOffset ArrivalTime(long k)
    {
        var every = _options.NewJobEvery!.Value;
        var u = (Ids.Mix((ulong)Ids.Seed(_options.Seed, StreamArrival, k)) >> 11) * (1.0 / (1UL << 53));
        var ms = Start.ToUnixTimeMilliseconds() + (long)(every.TotalMilliseconds * (k + (u - 0.5) * 0.6));
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    internal int ArrivalCount(DateTimeOffset now)
    {
        if (_options.NewJobEvery is not { } every || every <= TimeSpan.Zero || now <= Start) return 0;
        var k = (long)((now - Start) / every) + 1;
        while (k >= 1 && ArrivalTime(k) > now) k--;
        return (int)Math.Min(k, int.MaxValue);
    }

    internal JobPlan ArrivalPlan(long k)
    {
        var created = ArrivalTime(k);
        return JobGenerator.Random(MakeId(created.ToUnixTimeMilliseconds(), KindArrival, k), created, Ids.Seed(_options.Seed, StreamArrival, k), story: Story);
    }

    private JobPlan IndexedPlan(int i)
    {
        var created = DateTimeOffset.FromUnixTimeMilliseconds(_ms[i]);
        var running = i >= _history;
        return JobGenerator.Random(IndexedId(i), created, Ids.Seed(_options.Seed, running ? StreamRunning : StreamHistory, i), running ? RunningSpeed : 1.0, Story);
    }

    /// <summary>The jobs that were running when the server started (for job.completed webhooks).</summary>
    internal IEnumerable<JobPlan> RunningAtStart()
    {
        for (var i = _history; i < _ms.Length; i++) yield return IndexedPlan(i);
        if (_explicit.TryGetValue(WellKnownJobs.Running, out var demo)) yield return demo;
    }

    // ---- lookup -----------------------------------------------------------------------------------------------------

    internal bool TryGetPlan(string id, out JobPlan plan)
    {
        if (_explicit.TryGetValue(id, out plan!)) return true;
        plan = null!;
        if (!TryDecode(id, out var kind, out var ordinal)) return false;
        if (kind == KindIndexed && ordinal < _ms.Length && IndexedId((int)ordinal) == id)
        {
            plan = IndexedPlan((int)ordinal);
            return true;
        }
        if (kind == KindArrival && ordinal >= 1 && ordinal <= ArrivalCount(_clock.GetUtcNow())
            && MakeId(ArrivalTime(ordinal).ToUnixTimeMilliseconds(), KindArrival, ordinal) == id)
        {
            plan = ArrivalPlan(ordinal);
            return true;
        }
        return false;
    }

    // ---- paging -----------------------------------------------------------------------------------------------------

    internal readonly record struct Cursor(long Ms, string Id);

    private readonly record struct Entry(long Ms, string Id, int Source, long Ordinal, JobPlan? Plan);

    private static bool Before(in Entry e, Cursor? c) =>
        c is not { } k || e.Ms < k.Ms || (e.Ms == k.Ms && string.CompareOrdinal(e.Id, k.Id) < 0);

    private static int Compare(in Entry a, in Entry b) =>
        a.Ms != b.Ms ? a.Ms.CompareTo(b.Ms) : string.CompareOrdinal(a.Id, b.Id);

    /// <summary>A page of jobs, newest first, strictly after <paramref name="after"/>.</summary>
    internal (IReadOnlyList<JobPlan> Page, Cursor? Next) List(int limit, Cursor? after)
    {
        var now = _clock.GetUtcNow();
        using var a = Indexed(after).GetEnumerator();
        using var b = Arrivals(after, now).GetEnumerator();
        using var c = Explicit(after, now).GetEnumerator();
        var sources = new[] { (IEnumerator<Entry>)a, b, c };
        var has = sources.Select(s => s.MoveNext()).ToArray();
        var page = new List<Entry>(limit + 1);
        while (page.Count <= limit)
        {
            var best = -1;
            for (var s = 0; s < 3; s++)
                if (has[s] && (best < 0 || Compare(sources[s].Current, sources[best].Current) > 0)) best = s;
            if (best < 0) break;
            page.Add(sources[best].Current);
            has[best] = sources[best].MoveNext();
        }
        Cursor? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            next = new Cursor(page[^1].Ms, page[^1].Id);
        }
        return (page.Select(e => e.Source switch
        {
            0 => IndexedPlan((int)e.Ordinal),
            1 => ArrivalPlan(e.Ordinal),
            _ => e.Plan!,
        }).ToArray(), next);
    }

    private IEnumerable<Entry> Indexed(Cursor? after)
    {
        var i = _ms.Length - 1;
        if (after is { } c)
        {
            var j = Array.BinarySearch(_ms, c.Ms);
            if (j >= 0) i = string.CompareOrdinal(IndexedId(j), c.Id) < 0 ? j : j - 1;
            else i = ~j - 1;
        }
        for (; i >= 0; i--) yield return new Entry(_ms[i], IndexedId(i), 0, i, null);
    }

    private IEnumerable<Entry> Arrivals(Cursor? after, DateTimeOffset now)
    {
        for (long k = ArrivalCount(now); k >= 1; k--)
        {
            var ms = ArrivalTime(k).ToUnixTimeMilliseconds();
            var e = new Entry(ms, MakeId(ms, KindArrival, k), 1, k, null);
            if (Before(e, after)) yield return e;
        }
    }

    private IEnumerable<Entry> Explicit(Cursor? after, DateTimeOffset now)
    {
        foreach (var p in _explicitNewestFirst)
        {
            if (p.Created > now) continue;
            var e = new Entry(p.Created.ToUnixTimeMilliseconds(), p.Id, 2, 0, p);
            if (Before(e, after)) yield return e;
        }
    }

    /// <summary>Opaque to clients: base64url of <c>{"id":..,"t":..}</c>.</summary>
    internal static string EncodeCursor(Cursor c) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"id\":\"{c.Id}\",\"t\":{c.Ms}}}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool TryDecodeCursor(string? text, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 200) return false;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(b64));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("t", out var t) || !t.TryGetInt64(out var ms)) return false;
            var s = id.GetString()!;
            if (!SandboxServer.IsValidJobId(s)) return false;
            cursor = new Cursor(ms, s);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    internal JobRenderer Renderer => _renderer;
}
