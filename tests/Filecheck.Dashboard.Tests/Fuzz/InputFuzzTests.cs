using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Filecheck.Api;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard.Tests.Fuzz;

/// <summary>
/// 10,000 hostile inputs for each parser of outside input: the job ID, every page's query string, the share token, the
/// webhook body (and its signature header). Each property says what must hold for every input.
/// </summary>
[Collection(InputFuzzCollection.Name)]
public sealed partial class InputFuzzTests(FuzzFigures figures)
{
    public const int Inputs = 10_000;

    // The zones furthest from UTC: a day's bounds must exist in every zone the trends may be set to.
    private static readonly TimeZoneInfo[] Zones =
        [TimeZoneInfo.Utc, TimeZoneInfo.FindSystemTimeZoneById("Etc/GMT-14"), TimeZoneInfo.FindSystemTimeZoneById("Etc/GMT+12")];

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Near-IDs: the right alphabet at every length around the limit, bare, padded or in a link.</summary>
    private static readonly Gen<string> IdLike = Gen.Select(Gen.Char["abcXYZ0189_"].Array[0, 110], Gen.Int[0, 4], Gen.OneOf(NastyInput.Fragments), (body, how, piece) => how switch
    {
        0 => "job_" + new string(body),
        1 => " \t job_" + new string(body) + "\u00a0",
        2 => "https://admin.filecheck.io/jobs/job_" + new string(body) + "?tab=" + Uri.EscapeDataString(piece),
        3 => "job_" + new string(body) + piece,
        _ => "see job_" + new string(body) + " and " + piece,
    });

    [Fact]
    public void JobIdTryParse_HostileText_NeverThrows_RejectsWithAReason_AcceptsOnlyAPathSafeIdItHolds()
    {
        Gen.Frequency((3, NastyInput.Text), (1, IdLike)).Sample(text =>
        {
            var accepted = JobId.TryParse(text, out var id, out var error);
            figures.Tried("JobId.TryParse (lookup box, `/jobs/{id}`, raw JSON, proofs, downloads, new check)",
                "never throws; a rejection has a reason that does not echo the input; an accepted ID is `job_` + `[A-Za-z0-9_]{1,100}`, unchanged by URL escaping, taken verbatim from the input, and parses to itself", accepted);
            if (accepted)
            {
                Assert.Null(error);
                Assert.True(NastyInput.IsPathSafeId(id.Value), id.Value);
                Assert.Contains(id.Value, text, StringComparison.Ordinal);
                Assert.True(JobId.TryParse(id.Value, out var again, out _) && again == id);
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
                if (text.Trim().Length >= 12) Assert.DoesNotContain(text.Trim(), error, StringComparison.Ordinal);
            }
        }, iter: Inputs);
    }

    [Fact]
    public void JobViewStateFromQuery_HostileQuery_NeverThrows_KeepsOnlyUsableValues_AndRoundTrips()
    {
        NastyInput.Query("tab", "file", "step", "zoom", "from", "to", "q", "outcome", "sort", "desc").Sample(query =>
        {
            var state = JobViewState.FromQuery(query);
            figures.Tried("JobViewState.FromQuery (job page)",
                "never throws; tab and sort from their lists; from/to finite, 0 to 366 days, to > 0; `FromQuery(ToQuery(s)) == s`; the job link built from it opens the same view", state != JobViewState.FromQuery(""));
            Assert.Contains(state.Tab, JobTabs.All);
            Assert.True(state.Sort is null || FileRows.SortColumns.Contains(state.Sort), state.Sort);
            Assert.True(state.From is null || (double.IsFinite(state.From.Value) && state.From >= 0 && state.From <= 366 * 86400), $"from {state.From}");
            Assert.True(state.To is null || (double.IsFinite(state.To.Value) && state.To > 0 && state.To <= 366 * 86400), $"to {state.To}");
            Assert.Equal(state, JobViewState.FromQuery(state.ToQuery()));
            var link = new Uri(new Uri("https://dashboard.test"), Urls.Job("job_x", state));
            Assert.Equal("/jobs/job_x", link.AbsolutePath);
            Assert.Equal(state, JobViewState.FromQuery(link.Query));
        }, iter: Inputs);
    }

    [Fact]
    public void JobsListStateFromQuery_HostileQuery_NeverThrows_DropsWhatNoOneTyped_DaysUsableInEveryZone_AndRoundTrips()
    {
        NastyInput.Query("q", "range", "from", "to", "status", "outcome", "channel", "workflow", "rule", "filetype", "file", "order", "customer",
            "email", "reason", "finished", "sort", "desc", "page").Sample(query =>
        {
            var state = JobsListState.FromQuery(query);
            figures.Tried("JobsListState.FromQuery (jobs list, `/search`)",
                "never throws; range, outcome, sort from their lists; page 1 to 100,000; every filter but the search at most 200 characters without control characters; a search the list cannot run gets a reason; the first and last day have bounds in UTC−12 and UTC+14; `FromQuery(ToQuery(s)) == s`", state != JobsListState.FromQuery(""));
            Assert.True(state.Range is null || JobsListRange.All.Contains(state.Range));
            Assert.True(state.Outcome is null || OutcomeGroup.All.Contains(state.Outcome));
            Assert.Contains(state.Sort, JobsListSort.All);
            Assert.InRange(state.Page, 1, 100_000);
            foreach (var filter in new[] { state.Status, state.Channel, state.Workflow, state.Rule, state.FileType, state.FileName, state.OrderId, state.CustomerId, state.Email, state.Reason })
                Assert.True(filter is null || (filter.Length is > 0 and <= JobsListState.MaxTextLength && !filter.Any(char.IsControl) && filter == filter.Trim()), filter);
            if (state.Search is { } search && (search.Length > JobsListState.MaxTextLength || search.Any(char.IsControl)))
                Assert.False(string.IsNullOrWhiteSpace(JobsListQuery.ProblemWith(search)));
            var first = state.FirstDay(Today);
            foreach (var zone in Zones)
            {
                if (first is { } f) JobsListQuery.UtcBounds(f, f, zone);
                if (state.To is { } t) JobsListQuery.UtcBounds(t, t, zone);
            }
            Assert.Equal(state, JobsListState.FromQuery(state.ToQuery()));
        }, iter: Inputs);
    }

    [Fact]
    public void TrendsViewStateFromQuery_HostileQuery_NeverThrows_RangeAndThePreviousOneUsable_AndRoundTrips()
    {
        NastyInput.Query("days", "from", "to", "group", "unit", "channel", "workflow", "rule", "filetype", "step").Sample(query =>
        {
            var state = TrendsViewState.FromQuery(query);
            figures.Tried("TrendsViewState.FromQuery (trends page, its five CSV files)",
                "never throws; days a preset; a custom range in order, at most ten years; group and unit from their lists; the range, the one before it and their periods computable (no date beyond the calendar); `FromQuery(ToQuery(s)) == s`", state != TrendsViewState.FromQuery(""));
            Assert.Contains(state.Days, TrendsViewState.Presets);
            Assert.Contains(state.Group, TrendGrouping.All);
            Assert.True(state.Unit is TrendUnit.Jobs or TrendUnit.Files);
            var (from, to) = state.Range(Today);
            var (previousFrom, previousTo) = state.PreviousRange(Today);
            Assert.True(from <= to && previousFrom <= previousTo && previousTo < from);
            Assert.True(to.DayNumber - from.DayNumber <= 3660);
            // The first and the last period of both ranges, as the charts walk them.
            TrendGrouping.Next(TrendGrouping.PeriodStart(to, state.Group), state.Group);
            TrendGrouping.PeriodStart(previousFrom, state.Group);
            foreach (var zone in Zones) JobsListQuery.UtcBounds(previousFrom, to, zone);
            Assert.Equal(state, TrendsViewState.FromQuery(state.ToQuery()));
        }, iter: Inputs);
    }

    [Fact]
    public void SafeReturnUrl_HostileText_IsHomeOrALocalPathWithoutControlCharacters()
    {
        Gen.Frequency((3, NastyInput.Text), (1, NastyInput.Text.Select(t => "/" + t)), (1, NastyInput.Text.Select(t => "//" + t)), (1, NastyInput.Text.Select(t => "/\\" + t)))
            .Sample(text =>
            {
                var url = AccessEndpoints.SafeReturnUrl(text);
                figures.Tried("AccessEndpoints.SafeReturnUrl (sign-in `?returnUrl=`)",
                    "never throws; home, or the input itself when it is a local path: starts with one `/` (or `~/`), not `//` or `/\\`, no control characters, stays on the dashboard's host", url == text);
                Assert.True(url == "/" || url == text);
                // A local path, or one from the application's root ("~/"), as LocalRedirect takes them.
                var path = url.StartsWith("~/", StringComparison.Ordinal) ? url[1..] : url;
                Assert.StartsWith("/", path);
                Assert.False(path.StartsWith("//", StringComparison.Ordinal) || path.StartsWith("/\\", StringComparison.Ordinal), url);
                Assert.DoesNotContain(url, char.IsControl);
                Assert.Equal("dashboard.test", new Uri(new Uri("https://dashboard.test"), path).Host);
            }, iter: Inputs);
    }

    /// <summary>Near misses of a token: the right length and alphabet with one hostile character, or one character short or long.</summary>
    private static readonly Gen<string> TokenLike = Gen.Select(Gen.Char["ABCXYZabcxyz0189-_"].Array[42, 44], Gen.Int[0, 43], Gen.OneOf(NastyInput.Fragments), Gen.Int[0, 2],
        (chars, at, piece, how) =>
        {
            var token = new string(chars);
            return how switch
            {
                0 => token,
                1 => token.Remove(Math.Min(at, token.Length - 1), 1).Insert(Math.Min(at, token.Length - 1), piece.Length == 0 ? "=" : piece[..1]),
                _ => token[..Math.Min(at, token.Length)] + piece + token[Math.Min(at, token.Length)..],
            };
        });

    [Fact]
    public void ShareTokenIsWellFormed_HostileText_TrueOnlyForFortyThreeBase64UrlCharacters()
    {
        Gen.Frequency((1, NastyInput.Text), (2, TokenLike)).Sample(text =>
        {
            var wellFormed = ShareToken.IsWellFormed(text);
            figures.Tried("ShareToken.IsWellFormed (`/s/{token}` and every route under it)",
                "never throws; true exactly for 43 characters of `[A-Za-z0-9_-]` (so unchanged by URL escaping); anything else is unknown without a database read", wellFormed);
            Assert.Equal(TokenShape().IsMatch(text), wellFormed);
            if (wellFormed)
            {
                Assert.Equal(text, Uri.EscapeDataString(text));
                Assert.Matches("^[0-9a-f]{64}$", ShareToken.Hash(text));
            }
        }, iter: Inputs);
        for (var i = 0; i < 1_000; i++) Assert.True(ShareToken.IsWellFormed(ShareToken.New()));
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{43}\z")]
    private static partial Regex TokenShape();

    /// <summary>A JSON value of any kind, hostile strings included, nested up to a few levels.</summary>
    private static readonly Gen<string> JsonValue = Gen.Frequency(
        (3, NastyInput.Text.Select(t => System.Text.Json.JsonSerializer.Serialize(t))),
        (1, Gen.OneOf("null", "true", "false", "0", "-0", "1e400", "-1e400", "1.5", "9223372036854775808", "[]", "{}", "\"job_demo_passing\"", "[\"job_x\"]", "{\"id\":\"job_x\"}")),
        (1, Gen.Int[1, 200].Select(depth => new string('[', depth) + new string(']', depth))));

    private static readonly Gen<string> EventKey = Gen.OneOf("taskIds", "finalized", "tasks", "taskCount", "TaskIds", "taskcount", "id", "ID", "status", "\u0069d", "i\u0064\u200b");

    /// <summary>Webhook bodies: event-shaped objects with any id and keys, and plain garbage bytes.</summary>
    private static readonly Gen<byte[]> WebhookBody = Gen.Frequency(
        (6, Gen.Select(
            Gen.Frequency((3, Gen.OneOf("\"job_demo_passing\"", "\"job_x\"", "\"job_" + new string('a', 100) + "\"", "\"job_" + new string('a', 101) + "\"")), (4, JsonValue)),
            Gen.Select(EventKey, JsonValue).Array[0, 5],
            Gen.Int[0, 4],
            (id, pairs, how) =>
            {
                var members = pairs.Select(p => System.Text.Json.JsonSerializer.Serialize(p.Item1) + ":" + p.Item2).ToList();
                members.Insert(Math.Min(how, members.Count), "\"id\":" + id);
                var json = "{" + string.Join(",", members) + "}";
                return Encoding.UTF8.GetBytes(how == 4 ? json[..(json.Length / 2)] : json);
            })),
        (2, NastyInput.Text.Select(t => Encoding.UTF8.GetBytes(NastyInput.Scrub(t)))),
        (1, Gen.Byte.Array[0, 200]),
        (1, Gen.Int[60, 5_000].Select(depth => Encoding.UTF8.GetBytes("{\"id\":\"job_x\",\"taskIds\":" + new string('[', depth) + new string(']', depth) + "}"))));

    [Fact]
    public void WebhookReadJobId_HostileBodies_NeverThrows_TakesOnlyAnExactIdOfAnEventShapedObject()
    {
        WebhookBody.Sample(body =>
        {
            var id = WebhookIntake.ReadJobId(body);
            figures.Tried("WebhookIntake.ReadJobId (`POST /webhooks/filecheck` body)",
                "never throws (garbage bytes, truncated JSON, nesting past 64, duplicate keys); takes an ID only from an object holding `id` and one of `taskIds`, `finalized`, `tasks` or a numeric `taskCount`; the ID is exact and path-safe and written so in the body", id is not null);
            if (id is not { } accepted) return;
            Assert.True(NastyInput.IsPathSafeId(accepted.Value), accepted.Value);
            Assert.Contains("\"" + accepted.Value + "\"", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
            Assert.True(doc.RootElement.TryGetProperty("taskIds", out _) || doc.RootElement.TryGetProperty("finalized", out _) || doc.RootElement.TryGetProperty("tasks", out _)
                || (doc.RootElement.TryGetProperty("taskCount", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.Number));
        }, iter: Inputs);
    }

    [Fact]
    public void WebhookSignatureMatches_HostileHeaders_NeverThrows_TrueOnlyForTheBodysHmac()
    {
        const string secret = "test-signing-secret-fuzz";
        var body = Encoding.UTF8.GetBytes("{\"id\":\"job_demo_passing\",\"taskIds\":[]}");
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        Gen.Frequency(
                (4, NastyInput.Text),
                (1, Gen.OneOf(hex, "sha256=" + hex, "SHA256=" + hex.ToUpperInvariant(), " sha256=" + hex + " ")),
                (2, Gen.Select(Gen.Int[0, 63], Gen.Char["0123456789abcdefABCDEFxg=\0 \u0660"], Gen.Int[0, 2], (at, c, how) =>
                    (how == 0 ? "" : "sha256=") + hex[..at] + c + hex[(at + (how == 2 ? 0 : 1))..])))
            .Sample(header =>
            {
                var matches = WebhookIntake.SignatureMatches(header, body, secret);
                figures.Tried("WebhookIntake.SignatureMatches (`x-filecheck-signature`)",
                    "never throws; true exactly for the body's HMAC-SHA256 in hex (any case), bare or after `sha256=`, with surrounding spaces", matches);
                var expected = header.Trim() is var h && (h.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? h[7..] : h).Equals(hex, StringComparison.OrdinalIgnoreCase);
                Assert.Equal(expected, matches);
            }, iter: Inputs);
    }
}
