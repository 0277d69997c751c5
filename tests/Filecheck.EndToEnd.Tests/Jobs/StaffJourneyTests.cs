using System.Text.RegularExpressions;
using Filecheck.Api;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Jobs;

/// <summary>A support agent on the phone: reads why the job failed without a click, zooms, checks a corrected file.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffJourneyTests(DashboardFixture fixture)
{
    private Task<IPage> OpenAsync(string path) => fixture.OpenAsync(path);

    [Fact]
    public async Task FailingJob_TheReasonIsReadableWithoutAClick()
    {
        var page = await OpenAsync("/jobs/" + WellKnownJobs.Failing);
        try
        {
            var answer = page.GetByTestId("job-answer");
            await Assertions.Expect(answer).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("answer-headline")).ToContainTextAsync("failed");
            // The customer's words, on the page as it opened: nothing was clicked.
            await Assertions.Expect(answer).ToContainTextAsync(new Regex("font", RegexOptions.IgnoreCase));
            var link = page.Locator("[data-testid=answer-item] a").First;
            await link.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"[?&]step="));
            await Assertions.Expect(page.GetByTestId("step-reason")).ToBeVisibleAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Timeline_DragAcrossTheAxis_ZoomsToThatRangeAndKeepsItInTheAddress()
    {
        var page = await OpenAsync("/jobs/" + WellKnownJobs.Fixed);
        try
        {
            var track = page.Locator("[data-testid=timeline-axis] .gantt-track");
            await Assertions.Expect(track).ToBeVisibleAsync();
            var box = (await track.BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(box.X + box.Width * 0.25f, box.Y + box.Height / 2);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + box.Width * 0.4f, box.Y + box.Height / 2, new() { Steps = 5 });
            await Assertions.Expect(page.GetByTestId("timeline-drag")).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(box.X + box.Width * 0.6f, box.Y + box.Height / 2, new() { Steps = 5 });
            await page.Mouse.UpAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"from=[\d.]+&to=[\d.]+"));
            await Assertions.Expect(page.GetByTestId("zoom-chip")).ToBeVisibleAsync();
            var zoomed = Regex.Match(page.Url, @"from=([\d.]+)&to=([\d.]+)");
            var width = double.Parse(zoomed.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)
                - double.Parse(zoomed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            // "+" halves the range around its centre; "-" twice goes back to the whole job.
            await page.Keyboard.PressAsync("+");
            await page.WaitForFunctionAsync($"w => {{ const m = location.search.match(/from=([\\d.]+)&to=([\\d.]+)/); return m && Math.abs((m[2] - m[1]) - w / 2) < 0.01; }}", width);
            // One key at a time, each once the last one's zoom has reached the address: keys pressed while the page was
            // still applying the previous one were lost now and then (one clean-clone run saw the second "-" missed).
            for (var i = 0; i < 3 && page.Url.Contains("from=", StringComparison.Ordinal); i++)
            {
                var before = page.Url;
                await page.Keyboard.PressAsync("-");
                await page.WaitForFunctionAsync("u => location.href !== u", before);
            }
            await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("from="));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task CheckAgain_UploadedCorrectedFile_RunsLiveAndIsFoundUnderTheOriginalOrder()
    {
        // An original with an order, a customer and an uploaded file, as the history would hold it.
        var client = fixture.Host.Services.GetRequiredService<IFilecheckClient>();
        var list = await client.ListJobsAsync(limit: 100);
        Assert.True(list.IsSuccess);
        Filecheck.Api.Models.Job? original = null;
        foreach (var entry in list.Value.Jobs.Where(j => j.OrderId is not null && j.IsTerminal))
        {
            var full = await client.GetJobAsync(JobId.Parse(entry.Id));
            if (full.IsSuccess && full.Value.Tasks is { Count: > 0 }) { original = full.Value; break; }
        }
        Assert.NotNull(original);
        var task = original!.Tasks![0];
        var file = Path.Combine(Directory.CreateTempSubdirectory("fc-upload-").FullName, "corrected.pdf");
        await File.WriteAllTextAsync(file, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

        var page = await OpenAsync($"/jobs/{original.Id}?file={task.Id}");
        try
        {
            await page.GetByTestId("check-again").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/checks/new\\?job="));
            await page.WaitForCircuitAsync();
            // Says which job it checks again, with a link back to it.
            await Assertions.Expect(page.Locator($"a[href^='/jobs/{original.Id}']").First).ToBeVisibleAsync();
            await page.GetByText("Upload a file").ClickAsync();
            await page.SetInputFilesAsync("#check-file", file);
            await page.FillAsync("#check-note", "customer sent a corrected file");
            await page.GetByText("I understand this runs").ClickAsync();
            var posts = fixture.Host.Sandbox.Requests.Count("/jobs");
            await page.GetByTestId("check-submit").ClickAsync();

            // The new job opens at once on its own page and updates live until it is done.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/jobs/job_[0-9a-z]+$"));
            var newId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
            Assert.NotEqual(original.Id, newId);
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(original.OrderId!);
            await Assertions.Expect(page.Locator("[data-testid=job-header] [data-kind=status]")).ToHaveAttributeAsync("data-value", "done", new() { Timeout = 90_000 });
            await Assertions.Expect(page.GetByTestId("timeline-row")).ToContainTextAsync("corrected.pdf");

            // Found under the original's order, beside the original (an old /search link opens the jobs list).
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/search?q=" + Uri.EscapeDataString(original.OrderId!)).ToString());
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/jobs\\?q=" + Regex.Escape(Uri.EscapeDataString(original.OrderId!)) + "$"));
            await Assertions.Expect(page.Locator($"a[href*='{newId}']").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator($"a[href*='{original.Id}']").First).ToBeVisibleAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
