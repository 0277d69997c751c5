using System.Security.Claims;
using Deque.AxeCore.Playwright;
using Filecheck.Dashboard.Sharing;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Sharing;

/// <summary>
/// Issue 23 in Chromium: customer success shares a failing job; the customer pins two comments (a click, then the
/// keyboard) and asks for changes; customer success sees the pins live on the job page and answers; staff run "Check
/// again" with a corrected file (the sandbox reads its findings line: none); customer success adds the new job as round 2
/// from its job page; the customer sees both rounds side by side with what changed and approves round 2; the job pages
/// and "My shares" show it live.
/// The phone: the same rounds behind a switch, a tap places a pin, nothing wider than the screen; axe clean.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProofingJourneyTests(DashboardFixture fixture) : IAsyncLifetime
{
    private static readonly ViewportSize Desktop = new() { Width = 1400, Height = 1000 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    /// <summary>Where the journey leaves its screenshots, for a person to look at (not asserted).</summary>
    private static readonly string Shots = Path.Combine(Path.GetTempPath(), "filecheck-proofing-shots");
    private IPlaywright _playwright = default!;
    private IBrowser _customerBrowser = default!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Shots);
        _playwright = await Playwright.CreateAsync();
        _customerBrowser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _customerBrowser.DisposeAsync();
        _playwright.Dispose();
    }

    private static ILocator File(IPage page, int position) => page.Locator($"[data-testid=share-file][data-position='{position}']");

    private static async Task AssertAxeCleanAsync(IPage page, string where)
    {
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, where + ": " + string.Join("\n", bad.Select(v => $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
    }

    private static async Task WaitForImagesAsync(ILocator images)
    {
        foreach (var image in await images.AllAsync())
        {
            await image.ScrollIntoViewIfNeededAsync();
            await Assertions.Expect(image).ToHaveJSPropertyAsync("complete", true);
        }
    }

    private static async Task DecideAsync(IPage customer, int file, string button, string? note = null)
    {
        var section = File(customer, file);
        if (note is not null) await section.GetByTestId("share-note").FillAsync(note);
        await section.GetByTestId("share-name").FillAsync("Lena Jensen");
        await section.GetByTestId(button).ClickAsync();
        await Assertions.Expect(File(customer, file).GetByTestId("share-decision")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Proofing_PinsThenCheckAgainAsRound2SideBySide_ApprovedAndSeenLiveByCustomerSuccess()
    {
        var staff = await fixture.Browser.Context.NewPageAsync();
        await staff.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        IPage? shares = null, corrected = null;
        await using var customerContext = await _customerBrowser.NewContextAsync(new() { ViewportSize = Desktop });
        await using var prepressContext = await _customerBrowser.NewContextAsync(new() { ViewportSize = Desktop });
        try
        {
            await staff.SignInAsync(fixture.Host.BaseAddress, "cs", "/jobs/" + WellKnownJobs.Failing);
            await staff.WaitForCircuitAsync();
            var url = await ShareJourneyTests.CreateShareAsync(staff, files: 1);

            // The customer clicks a spot of the first proof and writes there.
            var customer = await customerContext.NewPageAsync();
            await customer.GotoAsync(url);
            var frame = File(customer, 1).GetByTestId("share-proof-frame").First;
            await WaitForImagesAsync(File(customer, 1).GetByTestId("share-proof"));
            // The page's script has made the proof a pin target (it runs after the markup is there).
            await Assertions.Expect(frame).ToHaveAttributeAsync("data-pin-ready", "true");
            var box = (await frame.Locator("img").BoundingBoxAsync())!;
            await frame.Locator("img").ClickAsync(new() { Position = new() { X = box.Width * 0.3f, Y = box.Height * 0.4f } });
            await Assertions.Expect(frame.Locator("[data-pin-draft]")).ToBeVisibleAsync();
            await Assertions.Expect(File(customer, 1).GetByTestId("share-comment-input")).ToBeFocusedAsync();
            await File(customer, 1).GetByTestId("share-comment-input").FillAsync("The logo here is cut <b>off</b>.");
            await File(customer, 1).GetByTestId("share-comment-add").ClickAsync();
            await Assertions.Expect(File(customer, 1).GetByTestId("share-pin")).ToHaveCountAsync(1);
            await Assertions.Expect(File(customer, 1).GetByTestId("share-comment")).ToContainTextAsync("pinned 30 % across, 40 % down");

            // The second with the keyboard: focus the proof, arrows move the pin, Enter writes.
            frame = File(customer, 1).GetByTestId("share-proof-frame").First;
            await Assertions.Expect(frame).ToHaveAttributeAsync("data-pin-ready", "true");
            await frame.FocusAsync();
            await Assertions.Expect(frame).ToBeFocusedAsync();
            await customer.Keyboard.PressAsync("ArrowRight");
            foreach (var key in new[] { "ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown", "ArrowDown" }) await customer.Keyboard.PressAsync(key);
            await customer.Keyboard.PressAsync("Enter");
            await Assertions.Expect(File(customer, 1).GetByTestId("share-comment-input")).ToBeFocusedAsync();
            await customer.Keyboard.TypeAsync("Make this photo brighter.");
            await File(customer, 1).GetByTestId("share-comment-add").ClickAsync();
            await Assertions.Expect(File(customer, 1).GetByTestId("share-pin")).ToHaveCountAsync(2);
            await Assertions.Expect(File(customer, 1).GetByTestId("share-comment").Nth(1)).ToContainTextAsync("pinned 56 % across, 54 % down");
            await DecideAsync(customer, 1, "share-changes", "Please see my two pins.");

            // Customer success, on the job page all along, sees both pins arrive and answers the first.
            // Other tests of the collection may comment on the same job: this share's round is the one with these words.
            var comments = staff.GetByTestId("proof-comments").GetByTestId("staff-comment-round").Filter(new() { HasText = "The logo here is cut" });
            await Assertions.Expect(comments.GetByTestId("staff-pin")).ToHaveCountAsync(2, new() { Timeout = 10_000 });
            await Assertions.Expect(comments).ToContainTextAsync("The logo here is cut <b>off</b>.");
            await Assertions.Expect(comments).ToContainTextAsync("by Lena Jensen");
            await Assertions.Expect(staff.Locator("[data-testid=proof-approval][data-round='1'][data-decision=changes]").First).ToBeVisibleAsync();
            await comments.Locator("[data-testid=staff-answer-input] textarea, textarea[data-testid=staff-answer-input]").First.FillAsync("We will move the logo 3 mm in.");
            await comments.GetByTestId("staff-answer-send").First.ClickAsync();
            await Assertions.Expect(comments.GetByTestId("staff-answer")).ToHaveCountAsync(1);
            await comments.ScreenshotAsync(new() { Path = Path.Combine(Shots, "staff-job-page-pins-1400.png") });

            // "My shares": one open comment.
            shares = await fixture.Browser.Context.NewPageAsync();
            await shares.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
            await shares.GotoAsync(new Uri(fixture.Host.BaseAddress, "/shares").ToString());
            await shares.WaitForCircuitAsync();
            var row = shares.GetByTestId("share-row").First;
            await Assertions.Expect(row.GetByTestId("share-open-comments")).ToHaveAttributeAsync("data-open", "1");

            // Prepress staff check the customer's corrected file again; the sandbox reads its findings line (none).
            var file = Path.Combine(Directory.CreateTempSubdirectory("fc-corrected-").FullName, "brochure-8pp.pdf");
            await System.IO.File.WriteAllTextAsync(file, "%PDF-1.4\n%sandbox-findings: none\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
            var prepress = await prepressContext.NewPageAsync();
            var failingFile = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Failing)!.Tasks![0].Id;
            await prepress.SignInAsync(fixture.Host.BaseAddress, "staff", $"/jobs/{WellKnownJobs.Failing}?file={failingFile}");
            await prepress.WaitForCircuitAsync();
            await prepress.GetByTestId("check-again").ClickAsync();
            await Assertions.Expect(prepress).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/checks/new\\?job="));
            await prepress.WaitForCircuitAsync();
            await prepress.GetByText("Upload a file").ClickAsync();
            await prepress.SetInputFilesAsync("#check-file", file);
            await prepress.FillAsync("#check-note", "the customer's corrected brochure");
            await prepress.GetByText("I understand this runs").ClickAsync();
            await prepress.GetByTestId("check-submit").ClickAsync();
            await Assertions.Expect(prepress).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/jobs/job_[0-9a-z]+$"));
            var newJob = prepress.Url[(prepress.Url.LastIndexOf('/') + 1)..];

            // Customer success opens the new job while it runs: once it is done, it offers the link of the job it was checked
            // again from, as round 2, without a reload.
            corrected = await fixture.Browser.Context.NewPageAsync();
            await corrected.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
            await corrected.GotoAsync(new Uri(fixture.Host.BaseAddress, "/jobs/" + newJob).ToString());
            await corrected.WaitForCircuitAsync();
            await Assertions.Expect(prepress.Locator("[data-testid=job-header] [data-kind=status]")).ToHaveAttributeAsync("data-value", "done", new() { Timeout = 30_000 });
            await Assertions.Expect(corrected.Locator("[data-testid=job-header] [data-kind=status]")).ToHaveAttributeAsync("data-value", "done", new() { Timeout = 30_000 });
            await Assertions.Expect(corrected.GetByTestId("round-offer-running")).ToHaveCountAsync(0);
            // Other tests of the collection may share the same failing job with someone else: this link is Lena's.
            var offer = corrected.GetByTestId("round-offer").Filter(new() { HasText = "shared with Lena Jensen" });
            await Assertions.Expect(offer).ToHaveCountAsync(1, new() { Timeout = 10_000 });
            await Assertions.Expect(offer).ToContainTextAsync("checked again from round 1");
            await AssertAxeCleanAsync(corrected, "the corrected job's page with its round offer");
            await corrected.ScreenshotAsync(new() { Path = Path.Combine(Shots, "round-offer-1400.png") });
            await offer.GetByTestId("round-offer-add").ClickAsync();
            await Assertions.Expect(corrected.GetByTestId("round-offer-added")).ToContainTextAsync("Added as round 2");
            await Assertions.Expect(offer).ToHaveCountAsync(0);
            // The new job's page now lists the link: round 1's answer, from the job it corrects.
            await Assertions.Expect(corrected.Locator("[data-testid=proof-approval][data-round='1'][data-decision=changes]").First).ToBeVisibleAsync();
            await Assertions.Expect(row.GetByTestId("share-rounds")).ToContainTextAsync("round 2", new() { Timeout = 10_000 });
            await row.GetByTestId("share-comments-toggle").ClickAsync();
            await Assertions.Expect(shares.GetByTestId("share-comments").GetByTestId("staff-pin")).ToHaveCountAsync(2);
            await AssertAxeCleanAsync(shares, "/shares with comments open");
            await shares.ScreenshotAsync(new() { Path = Path.Combine(Shots, "my-shares-1400.png"), FullPage = true });

            // The customer: round 2 beside round 1, round 1's pins on its proof, what changed, the answer.
            await customer.ReloadAsync();
            var current = File(customer, 1).GetByTestId("share-round-current");
            var previous = File(customer, 1).GetByTestId("share-round-previous");
            await Assertions.Expect(current).ToBeVisibleAsync();
            await Assertions.Expect(previous).ToBeVisibleAsync();
            await Assertions.Expect(previous.GetByTestId("share-pin")).ToHaveCountAsync(2);
            await Assertions.Expect(previous).ToContainTextAsync("Answer from Cody Success");
            await Assertions.Expect(File(customer, 1).GetByTestId("share-switch")).ToBeHiddenAsync();
            var (a, b) = ((await current.BoundingBoxAsync())!, (await previous.BoundingBoxAsync())!);
            Assert.True(b.X >= a.X + a.Width - 1 && Math.Abs(b.Y - a.Y) < 5, $"the rounds are not side by side: {a.X},{a.Y} {a.Width} / {b.X},{b.Y}");
            var changes = File(customer, 1).GetByTestId("share-what-changed");
            await Assertions.Expect(changes).ToContainTextAsync("What changed since round 1");
            await Assertions.Expect(changes).ToContainTextAsync("Solved:");
            await WaitForImagesAsync(File(customer, 1).GetByTestId("share-proof"));
            await AssertAxeCleanAsync(customer, "the share page with two rounds");
            await customer.ScreenshotAsync(new() { Path = Path.Combine(Shots, "customer-rounds-1400.png"), FullPage = true });

            await DecideAsync(customer, 1, "share-approve");
            await Assertions.Expect(File(customer, 1).GetByTestId("share-decision")).ToContainTextAsync("(round 2)");

            // The job pages and "My shares" hear of it without a reload.
            await Assertions.Expect(staff.Locator("[data-testid=proof-approval][data-round='2'][data-decision=approved]").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Assertions.Expect(corrected.Locator("[data-testid=proof-approval][data-round='2'][data-decision=approved]").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Assertions.Expect(row).ToContainTextAsync("(round 2): approved", new() { Timeout = 10_000 });
        }
        finally
        {
            if (shares is not null) await shares.CloseAsync();
            if (corrected is not null) await corrected.CloseAsync();
            await staff.CloseAsync();
        }
    }

    /// <summary>Where a pin's tip is, in fractions of the image it sits on (the tip is the bottom centre of the pin).</summary>
    private static async Task<(double X, double Y)> PinSpotAsync(ILocator pin, ILocator image)
    {
        var (p, i) = ((await pin.BoundingBoxAsync())!, (await image.BoundingBoxAsync())!);
        return ((p.X + p.Width / 2 - i.X) / i.Width, (p.Y + p.Height - i.Y) / i.Height);
    }

    private static void AssertSpot((double X, double Y) expected, (double X, double Y) actual, string when) =>
        Assert.True(Math.Abs(expected.X - actual.X) < 0.01 && Math.Abs(expected.Y - actual.Y) < 0.01, $"{when}: the pin is at {actual}, not {expected}");

    [Fact]
    public async Task Proofing_ZoomedProof_KeepsItsPinOnTheSpot_PagesAndClosesWithTheKeyboard()
    {
        var services = fixture.Host.Services;
        var job = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Failing)!;
        var created = await services.GetRequiredService<ShareLinkService>().CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(WellKnownJobs.Failing, job.Tasks![0].Id, job.Tasks[0].DisplayName)],
            RecipientName = "Noor Zoom",
        }, "Cody Success");
        var share = created.Share!;
        Assert.Equal(CommentOutcome.Recorded, (await services.GetRequiredService<ShareComments>().PostAsync(share.Token,
            new CommentPost(CommentAction.Add, 1, "1", "1", "0.6", "0.3", "Bleed is missing here.", null))).Outcome);
        await using var context = await _customerBrowser.NewContextAsync(new() { ViewportSize = Desktop });
        var customer = await context.NewPageAsync();
        await customer.GotoAsync(new Uri(fixture.Host.BaseAddress, ShareUrls.Page(share.Token)).ToString());
        await WaitForImagesAsync(File(customer, 1).GetByTestId("share-proof"));

        var open = File(customer, 1).GetByTestId("share-zoom-open").First;
        await open.ClickAsync();
        var zoom = customer.GetByTestId("share-zoom");
        await Assertions.Expect(zoom).ToBeVisibleAsync();
        await Assertions.Expect(zoom.GetByTestId("share-zoom-page")).ToHaveTextAsync("1 / 2");
        var image = zoom.Locator("img");
        var pin = zoom.GetByTestId("share-pin");
        await Assertions.Expect(image).ToHaveJSPropertyAsync("complete", true);
        await Assertions.Expect(pin).ToHaveCountAsync(1);
        AssertSpot((0.6, 0.3), await PinSpotAsync(pin, image), "fitted");
        var fitted = (await image.BoundingBoxAsync())!.Width;
        await AssertAxeCleanAsync(customer, "the proof zoomed");

        // The keys zoom (the pin stays on its spot, the same size), the arrows move the proof, the wheel zooms where it points.
        await Assertions.Expect(zoom.GetByTestId("share-zoom-stage")).ToBeFocusedAsync();
        await customer.Keyboard.PressAsync("+");
        await customer.Keyboard.PressAsync("+");
        await Assertions.Expect(zoom.GetByTestId("share-zoom-level")).ToHaveTextAsync("225 %");
        Assert.InRange((await image.BoundingBoxAsync())!.Width / fitted, 2.24, 2.26);
        AssertSpot((0.6, 0.3), await PinSpotAsync(pin, image), "zoomed with +");
        var before = (await image.BoundingBoxAsync())!.X;
        await customer.Keyboard.PressAsync("ArrowRight");
        Assert.True((await image.BoundingBoxAsync())!.X < before, "the arrow did not move the zoomed proof");
        var stage = (await zoom.GetByTestId("share-zoom-stage").BoundingBoxAsync())!;
        await customer.Mouse.MoveAsync(stage.X + stage.Width / 2, stage.Y + stage.Height / 2);
        await customer.Mouse.WheelAsync(0, -300);
        await Assertions.Expect(zoom.GetByTestId("share-zoom-level")).Not.ToHaveTextAsync("225 %");
        AssertSpot((0.6, 0.3), await PinSpotAsync(pin, image), "zoomed with the wheel");
        await customer.ScreenshotAsync(new() { Path = Path.Combine(Shots, "customer-zoom-1400.png") });

        // Page Down: the round's second proof, without the first proof's pin; Esc closes and gives the focus back.
        await customer.Keyboard.PressAsync("PageDown");
        await Assertions.Expect(zoom.GetByTestId("share-zoom-page")).ToHaveTextAsync("2 / 2");
        await Assertions.Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/proofs/2$"));
        await Assertions.Expect(pin).ToHaveCountAsync(0);
        await customer.Keyboard.PressAsync("Escape");
        await Assertions.Expect(zoom).ToBeHiddenAsync();
        await Assertions.Expect(open).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Proofing_OnAPhone_RoundsBehindASwitch_ATapPinsAComment_Round2Approved_NoWiderThanTheScreen()
    {
        var services = fixture.Host.Services;
        var sandbox = fixture.Host.Sandbox;
        var job = sandbox.Jobs.Get(WellKnownJobs.Warning)!;
        var created = await services.GetRequiredService<ShareLinkService>().CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(WellKnownJobs.Warning, job.Tasks![0].Id, job.Tasks[0].DisplayName)],
            RecipientName = "Lena Jensen",
        }, "Cody Success");
        var share = created.Share!;
        var commented = await services.GetRequiredService<ShareComments>().PostAsync(share.Token,
            new CommentPost(CommentAction.Add, 1, "1", "1", "0.5", "0.25", "Too dark here.", null));
        Assert.Equal(CommentOutcome.Recorded, commented.Outcome);
        await using (var scope = services.CreateAsyncScope())
        {
            var cs = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "cody"), new Claim("name", "Cody Success")], "test", "name", "roles"));
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ShareRounds>().AddAsync(share.Id, 1, WellKnownJobs.Fixed, cs));
        }
        await using var context = await _customerBrowser.NewContextAsync(new() { ViewportSize = Phone, IsMobile = true, HasTouch = true });
        var customer = await context.NewPageAsync();

        await customer.GotoAsync(new Uri(fixture.Host.BaseAddress, ShareUrls.Page(share.Token)).ToString());

        var current = File(customer, 1).GetByTestId("share-round-current");
        var previous = File(customer, 1).GetByTestId("share-round-previous");
        await Assertions.Expect(File(customer, 1).GetByTestId("share-switch")).ToBeVisibleAsync();
        await Assertions.Expect(current).ToBeVisibleAsync();
        await Assertions.Expect(previous).ToBeHiddenAsync();
        await Assertions.Expect(File(customer, 1).GetByTestId("share-what-changed")).ToContainTextAsync("Solved:");
        Assert.True(await customer.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Phone.Width);
        await WaitForImagesAsync(current.GetByTestId("share-proof"));
        await AssertAxeCleanAsync(customer, "the share page with two rounds on a phone");
        await customer.ScreenshotAsync(new() { Path = Path.Combine(Shots, "customer-rounds-390.png"), FullPage = true });

        // A tap on round 2's proof places a pin there; the comment is saved on it; round 2 is approved from the phone.
        var frame = current.GetByTestId("share-proof-frame").First;
        await Assertions.Expect(frame).ToHaveAttributeAsync("data-pin-ready", "true");
        await frame.TapAsync(new() { Position = new() { X = 40, Y = 40 } });
        await Assertions.Expect(frame.Locator("[data-pin-draft]")).ToBeVisibleAsync();
        await File(customer, 1).GetByTestId("share-comment-input").FillAsync("Still a little dark here.");
        await File(customer, 1).GetByTestId("share-comment-add").TapAsync();
        await Assertions.Expect(current.GetByTestId("share-pin")).ToHaveCountAsync(1);
        await Assertions.Expect(current.GetByTestId("share-comment")).ToContainTextAsync("Still a little dark here.");
        await DecideAsync(customer, 1, "share-approve");
        await Assertions.Expect(File(customer, 1).GetByTestId("share-decision")).ToContainTextAsync("(round 2)");
        Assert.True(await customer.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Phone.Width);

        await File(customer, 1).Locator("label[for$=-previous]").TapAsync();
        await Assertions.Expect(previous).ToBeVisibleAsync();
        await Assertions.Expect(current).ToBeHiddenAsync();
        await Assertions.Expect(previous.GetByTestId("share-pin")).ToHaveCountAsync(1);
        Assert.True(await customer.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Phone.Width);
        await customer.ScreenshotAsync(new() { Path = Path.Combine(Shots, "customer-round1-390.png"), FullPage = true });
    }

    [Fact]
    public async Task Proofing_CorrectedFileSentFromTheLink_BecomesRound2ByItself_AndCustomerSuccessIsTold()
    {
        var job = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Failing)!;
        var created = await fixture.Host.Services.GetRequiredService<ShareLinkService>().CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(WellKnownJobs.Failing, job.Tasks![0].Id, job.Tasks[0].DisplayName)],
            RecipientName = "Uma Upload",
            AllowUploads = true,
        }, "Cody Success");
        var share = created.Share!;
        // Customer success, on "All shares", hears of it while the customer works.
        var staff = await fixture.OpenAsync(Filecheck.Dashboard.Urls.Shares(all: true), "cs");
        await using var context = await _customerBrowser.NewContextAsync(new() { ViewportSize = Desktop });
        try
        {
            var row = staff.Locator($"[data-testid=share-row][data-share-id='{share.Id}']");
            await Assertions.Expect(row.GetByTestId("share-uploads")).ToContainTextAsync("0 of 5 sent");

            var customer = await context.NewPageAsync();
            await customer.GotoAsync(new Uri(fixture.Host.BaseAddress, ShareUrls.Page(share.Token)).ToString());
            await File(customer, 1).GetByTestId("share-corrected-open").ClickAsync();
            var pdf = Path.Combine(Directory.CreateTempSubdirectory("fc-corrected-").FullName, "brochure-8pp.pdf");
            await System.IO.File.WriteAllTextAsync(pdf, "%PDF-1.4\n%sandbox-findings: none\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
            await File(customer, 1).GetByTestId("share-corrected-file").SetInputFilesAsync(pdf);
            await File(customer, 1).GetByTestId("share-corrected-name").FillAsync("Uma Upload");
            await AssertAxeCleanAsync(customer, "the share page with the corrected-file form open");
            await File(customer, 1).GetByTestId("share-corrected-send").ClickAsync();

            await Assertions.Expect(File(customer, 1).GetByTestId("share-corrected-checking")).ToContainTextAsync("Corrected file received (brochure-8pp.pdf), being checked");
            await AssertAxeCleanAsync(customer, "the share page while the corrected file is checked");
            await Assertions.Expect(staff.GetByText($"A customer sent a corrected file on share link {share.Id}").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Assertions.Expect(row.GetByTestId("share-uploads")).ToContainTextAsync("1 of 5 sent");

            // The sandbox finishes the check; the watcher makes it round 2; the customer's page hears of it and offers it.
            await Assertions.Expect(staff.GetByText($"A customer's corrected file is now the next round on share link {share.Id}").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(row.GetByTestId("share-rounds")).ToContainTextAsync("round 2");
            var ready = File(customer, 1).GetByTestId("share-corrected-ready");
            await Assertions.Expect(ready).ToContainTextAsync("The check of your corrected file is done", new() { Timeout = 20_000 });
            await ready.GetByRole(AriaRole.Link).ClickAsync();
            var current = File(customer, 1).GetByTestId("share-round-current");
            await Assertions.Expect(current).ToBeVisibleAsync();
            await Assertions.Expect(File(customer, 1).GetByTestId("share-round-previous")).ToBeVisibleAsync();
            await Assertions.Expect(File(customer, 1).GetByTestId("share-corrected-theirs")).ToContainTextAsync("Round 2 is the corrected file you sent.");
            await Assertions.Expect(File(customer, 1).GetByTestId("share-what-changed")).ToContainTextAsync("Solved:");
            await Assertions.Expect(File(customer, 1).GetByTestId("share-result")).ToHaveTextAsync("Clean");
            await customer.ScreenshotAsync(new() { Path = Path.Combine(Shots, "customer-corrected-round2-1400.png"), FullPage = true });
        }
        finally
        {
            await staff.CloseAsync();
        }
    }
}
