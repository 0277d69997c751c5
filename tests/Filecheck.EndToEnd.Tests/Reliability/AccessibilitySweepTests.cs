using System.Globalization;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Filecheck.Dashboard;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Sharing;
using Filecheck.Sandbox;
using Filecheck.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// axe over every page of the dashboard, in the light and the dark theme on a desktop's screen and in the dark theme on a
/// phone's (390 × 844): no serious or critical violation anywhere, and no page wider than its screen (a table scrolls
/// inside itself). A dark round starts with a click on the app bar's toggle, so it also proves the choice outlives a page
/// load and that the toggle is reachable on a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilitySweepTests(DashboardFixture fixture)
{
    /// <summary>One page as a person reaches it: who is signed in (null: nobody), the address, what shows it is ready.</summary>
    private sealed record Visit(string Name, string? User, string Path, Func<IPage, Task> Ready, bool Interactive = true);

    private sealed record Finding(string Page, string Round, IReadOnlyList<AxeResultItem> Violations)
    {
        public IEnumerable<AxeResultItem> Serious => Violations.Where(v => v.Impact is "serious" or "critical");
        public IEnumerable<AxeResultItem> Lesser => Violations.Where(v => v.Impact is not ("serious" or "critical"));
    }

    /// <summary>Every rule axe runs by default; only the violations are collected (passes on a big page cost seconds).</summary>
    private static readonly AxeRunOptions ViolationsOnly = new() { ResultTypes = [ResultType.Violations] };

    private static Func<IPage, Task> Shows(string testId) =>
        page => Assertions.Expect(page.GetByTestId(testId).First).ToBeVisibleAsync();

    [Fact]
    public async Task EveryPage_LightAndDarkTheme_DesktopAndPhone_HasNoSeriousOrCriticalViolations_NorIsWiderThanTheScreen()
    {
        await fixture.Host.WaitForSyncedHistoryAsync();
        var failing = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Failing)!;
        var task = failing.Tasks!.First(t => t.Steps is { Count: > 0 });
        var step = task.Steps!.First(s => s.Outcome is "fail" or "warn" or null);
        var share = await CreateShareAsync();
        // A running job of its own: job_demo_running finishes about 3 minutes after the collection's host started.
        var running = fixture.Host.Sandbox.Jobs.CreateRunningJob(files: 2, stepDuration: TimeSpan.FromMinutes(10));
        string JobUrl(string id, JobViewState state) => Urls.Job(id, state);

        Visit[] pages =
        [
            new("home", "admin", Urls.Home, Shows("well-known-jobs")),
            new("job: timeline (failing)", "admin", JobUrl(WellKnownJobs.Failing, new()), Shows("timeline")),
            new("job: files (failing)", "admin", JobUrl(WellKnownJobs.Failing, new() { Tab = JobTabs.Files }), Shows("files-table")),
            new("job: step detail (failing)", "admin", JobUrl(WellKnownJobs.Failing, new() { File = task.Id, Step = step.Id }), Shows("step-detail")),
            new("job: proofs (failing)", "admin", JobUrl(WellKnownJobs.Failing, new() { Tab = JobTabs.Proofs }), Shows("proof-image")),
            new("job: raw JSON (failing)", "admin", JobUrl(WellKnownJobs.Failing, new() { Tab = JobTabs.Raw }), Shows("raw-json")),
            new("job: timeline (running)", "admin", JobUrl(running, new()), Shows("live-row")),
            new("jobs list", "admin", Urls.JobsList(), Shows("jobs-row")),
            new("new check", "admin", Urls.NewCheck(), Shows("check-form")),
            new("trends", "admin", Urls.Trends(), Shows("trends-summary")),
            new("shares", "admin", Urls.Shares(), Shows("share-row")),
            new("admin: sync", "admin", Urls.SyncAdmin, Shows("sync-status")),
            new("admin: rollups", "admin", Urls.RollupAdmin, Shows("rollup-status")),
            new("admin: sessions", "admin", Urls.SessionsAdmin, Shows("session-row")),
            new("not found", "admin", "/no-such-page", page => Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found")),
            // A signed-in person without a role is sent from any page to the refusal, which needs no circuit.
            new("no role: access denied", "norole", Urls.Home, page => Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You don't have access to this page"), Interactive: false),
            new("sign-in", null, Urls.SignIn(), Shows("demo-user-staff"), Interactive: false),
            new("public share page", null, share, Shows("share-form"), Interactive: false),
        ];

        var findings = new List<Finding>();
        var tooWide = new List<string>();
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            foreach (var round in Rounds)
            {
                // Each round from nothing: no theme cookie or session left by the round before.
                await fixture.Browser.Context.ClearCookiesAsync();
                await page.SetViewportSizeAsync(round.Width, round.Height);
                string? signedIn = "";
                foreach (var visit in pages)
                {
                    if (visit.User != signedIn)
                    {
                        await SignInAsync(page, visit.User, round.Dark);
                        signedIn = visit.User;
                    }
                    await page.GotoAsync(new Uri(fixture.Host.BaseAddress, visit.Path).ToString());
                    if (visit.Interactive) await page.WaitForCircuitAsync();
                    await visit.Ready(page);
                    await AssertThemeAsync(page, visit, round.Dark);
                    // In the page itself: the default finishes each scan in a new tab (for cross-origin frames, which no page
                    // here has), which more than doubled the sweep's time.
#pragma warning disable CS0618 // "legacy mode" is axe.run in the page, the same rules and results for a page without frames.
                    var result = await page.Locator("html").RunAxeLegacy(ViolationsOnly);
#pragma warning restore CS0618
                    findings.Add(new Finding(visit.Name, round.Name, result.Violations));
                    // Nothing wider than the screen: the page scrolls down, never sideways (a wide table scrolls inside itself).
                    var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                    var (scroll, client) = (widths[0], widths[1]);
                    if (scroll > client) tooWide.Add($"{visit.Name} ({round.Name}): {scroll} px of content on a {client} px wide screen");
                }
            }
        }
        finally
        {
            await page.CloseAsync();
            await fixture.Browser.Context.ClearCookiesAsync();
        }

        ReliabilityReport.Write("accessibility", Report(findings, pages.Length));
        var serious = findings.SelectMany(f => f.Serious.Select(v => $"{f.Page} ({f.Round}): {v.Impact} {v.Id}: {v.Help} [{string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}]")).ToList();
        var problems = serious.Select(s => "axe: " + s).Concat(tooWide.Select(t => "too wide: " + t)).ToList();
        Assert.True(problems.Count == 0, "serious or critical accessibility violations, or pages wider than the screen:\n" + string.Join("\n", problems));
    }

    /// <summary>One pass over every page: a theme on a screen.</summary>
    private sealed record Round(string Name, bool Dark, int Width, int Height);

    /// <summary>Both themes on a desktop screen, and the dark theme on a phone's (390 × 844 CSS pixels).</summary>
    private static readonly Round[] Rounds =
    [
        new("light, desktop", Dark: false, 1400, 1000),
        new("dark, desktop", Dark: true, 1400, 1000),
        new("dark, phone", Dark: true, 390, 844),
    ];

    /// <summary>Signs in (or out) and picks the theme: the dark one through the app bar's toggle where there is an app bar.</summary>
    private async Task SignInAsync(IPage page, string? user, bool dark)
    {
        if (user is null)
        {
            await page.Context.ClearCookiesAsync();
            await SetThemeCookieAsync(page, dark);
            return;
        }
        await page.SignInAsync(fixture.Host.BaseAddress, user);
        if (!dark) return;
        if (user == "norole")
        {
            await SetThemeCookieAsync(page, dark);
            return;
        }
        // The person's own way: the toggle in the app bar, remembered for the next page loads.
        await page.WaitForCircuitAsync();
        await page.GetByLabel("Toggle dark theme").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }

    private async Task SetThemeCookieAsync(IPage page, bool dark) =>
        await page.Context.AddCookiesAsync([new Cookie { Name = ThemeState.CookieName, Value = dark ? ThemeState.Dark : ThemeState.Light, Url = fixture.Host.BaseAddress.ToString() }]);

    /// <summary>The page really is in the theme it is counted under: the customer's page follows the device's setting.</summary>
    private static async Task AssertThemeAsync(IPage page, Visit visit, bool dark)
    {
        if (visit.Name == "public share page")
        {
            await page.EmulateMediaAsync(new() { ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light });
        }
        else
        {
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", dark ? "dark" : "light");
        }
        // Dark means a dark background under the page's text: its luminance, from the body's painted colour.
        var luminance = await page.EvaluateAsync<double>(@"() => {
            let el = document.querySelector('h1'), m = null;
            for (; el && !m; el = el.parentElement) {
                const v = getComputedStyle(el).backgroundColor.match(/[\d.]+/g).map(Number);
                if (v.length === 3 || v[3] > 0) m = v;
            }
            m = m || [255, 255, 255];
            const c = m.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        }");
        Assert.True(dark ? luminance < 0.2 : luminance > 0.6, $"{visit.Name}: background luminance {luminance:0.00} is not {(dark ? "dark" : "light")}");
    }

    private async Task<string> CreateShareAsync()
    {
        // Not job_demo_warning: the share journey counts that job's approvals and must find only its own.
        var job = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Fixed)!;
        var shares = fixture.Host.Services.GetRequiredService<ShareLinkService>();
        var created = await shares.CreateAsync(new ShareRequest
        {
            Files = job.Tasks!.Select(t => new ShareFile(job.Id, t.Id, t.DisplayName)).ToList(),
            AskApproval = true,
            AllowDownloads = true,
            Note = "Your flyers, ready for a look.",
        }, "Ada Admin", "demo-admin");
        Assert.Null(created.Error);
        return "/s/" + created.Share!.Token;
    }

    private static string Report(IReadOnlyList<Finding> findings, int pages)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"axe-core (Deque.AxeCore.Playwright, every rule axe runs by default) over {pages} pages in {Rounds.Length} rounds ")
            .Append(CultureInfo.InvariantCulture, $"({string.Join("; ", Rounds.Select(r => $"{r.Name}: {r.Width} × {r.Height}"))}), {findings.Count} scans in Chromium. ")
            .Append("Asserted: no serious or critical violation on any page in any round, and no page wider than its screen (it scrolls down, never sideways). ")
            .Append("Each round starts with no cookies; the dark theme is chosen with the app bar's toggle (remembered in a cookie, checked on every page ")
            .Append("by the background's luminance); the public share page follows the device's colour scheme. ")
            .Append("Each cell: serious + critical / moderate + minor violations (rules), each with the number of elements.\n\n")
            .Append("| page | " + string.Join(" | ", Rounds.Select(r => r.Name)) + " |\n|---|" + string.Concat(Rounds.Select(_ => "---|")) + "\n");
        foreach (var page in findings.GroupBy(f => f.Page))
        {
            var cells = Rounds.Select(r => page.Single(f => f.Round == r.Name)).Select(f => $"{Count(f.Serious)} / {Count(f.Lesser)}");
            text.Append(CultureInfo.InvariantCulture, $"| {page.Key} | {string.Join(" | ", cells)} |\n");
        }
        return text.ToString();
    }

    private static string Count(IEnumerable<AxeResultItem> violations)
    {
        var list = violations.ToList();
        return list.Count == 0 ? "0" : $"{list.Count}: " + string.Join(", ", list.Select(v => $"{v.Id} ({v.Impact}, {v.Nodes.Length})"));
    }
}
