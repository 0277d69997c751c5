using System.Text.Json;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Answer;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Tests.Jobs;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>"What changed since round 1", from both jobs' reports: the vendor's fixtures and the sandbox's well-known jobs.</summary>
public sealed class RoundChangesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static FileReport FixtureFile(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(name)));
        return JobReports.From(doc.RootElement.GetProperty("job").Deserialize(FilecheckJsonContext.Default.Job)!).Files.Single();
    }

    private async Task<JobReport> SandboxReport(string id)
    {
        var services = new ServiceCollection();
        sandbox.AddClient(services);
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse(id));
        Assert.True(result.IsSuccess, result.IsSuccess ? "" : result.Failure.Message);
        return JobReports.From(result.Value);
    }

    private static IReadOnlyList<string> Problems(FileReport f) => f.Findings.Where(x => x.Kind != FindingKind.Fixed).Select(x => x.Text).ToList();

    [Fact]
    public void Between_VendorPreflightThenFullFixture_ListsEveryFindingAsSolvedAndTheFixesApplied()
    {
        var before = FixtureFile("job.preflight.json");
        var after = FixtureFile("job.full.json");

        var changes = RoundChanges.Between(before, after, 1, 2);

        Assert.Equal(["Bleed missing on page 1: 0 mm of 3 mm.", "Font not embedded: Helvetica.", "Image on page 1 is 72 dpi, 150 needed."], changes.Gone);
        Assert.Empty(changes.New);
        Assert.NotEmpty(changes.Fixes);
        Assert.Equal(after.Findings.Where(f => f.Kind == FindingKind.Fixed).Select(f => f.Text), changes.Fixes);
        var lines = changes.Lines();
        Assert.Equal("The result was Failed in round 1; it is Clean now.", lines[0]);
        Assert.Contains("Solved: Font not embedded: Helvetica.", lines);
        Assert.All(changes.Fixes, f => Assert.Contains("Corrected automatically: " + f, lines));
    }

    [Fact]
    public async Task Between_FailingThenFixed_TheFailuresAreSolvedAndTheFixesListed()
    {
        var failing = (await SandboxReport(WellKnownJobs.Failing)).Files.Single();
        var @fixed = (await SandboxReport(WellKnownJobs.Fixed)).Files.Single();
        Assert.Equal(2, Problems(failing).Count);

        var changes = RoundChanges.Between(failing, @fixed, 1, 2);

        Assert.Equal(Problems(failing), changes.Gone);
        Assert.Empty(changes.New);
        Assert.Equal(2, changes.Fixes.Count);
        Assert.StartsWith("The result was Failed in round 1; it is Fixed now.", changes.Lines()[0]);
        // The check's "Fixed automatically: ..." is not said twice.
        Assert.All(changes.Lines(), l => Assert.DoesNotContain("automatically: Fixed automatically", l, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, changes.Lines().Count(l => l.StartsWith("Corrected automatically: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Between_WarningThenClean_TheWarningsAreSolvedAndNothingIsNew()
    {
        var warning = (await SandboxReport(WellKnownJobs.Warning)).Files[0];
        var clean = (await SandboxReport(WellKnownJobs.Passing)).Files[0];
        Assert.NotEmpty(Problems(warning));

        var changes = RoundChanges.Between(warning, clean, 1, 2);

        Assert.Equal(Problems(warning), changes.Gone);
        Assert.Empty(changes.New);
        Assert.Empty(changes.Fixes);
        Assert.Equal(["The result was Warnings in round 1; it is Clean now.", .. Problems(warning).Select(p => "Solved: " + p)], changes.Lines());
    }

    [Fact]
    public async Task Between_ANewProblemInRound2_IsListedAsNew()
    {
        var clean = (await SandboxReport(WellKnownJobs.Passing)).Files[0];
        var failing = (await SandboxReport(WellKnownJobs.Failing)).Files.Single();

        var changes = RoundChanges.Between(clean, failing, 2, 3);

        Assert.Empty(changes.Gone);
        Assert.Equal(Problems(failing), changes.New);
        Assert.Contains("New in round 3: " + Problems(failing)[0], changes.Lines());
        Assert.Equal("The result was Clean in round 2; it is Failed now.", changes.Lines()[0]);
    }

    [Fact]
    public void Between_TheSameFindings_SaysNothingChanged()
    {
        var file = new FileReport("t", "a.pdf", Outcome.Warn, [new FileFinding(FindingKind.Warning, "Image is 72 dpi")]);

        var changes = RoundChanges.Between(file, file with { TaskId = "u" }, 1, 2);

        Assert.Equal(["The result is Warnings, as in round 1.", "The check found the same as in round 1."], changes.Lines());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    public void FromJson_NothingOrGarbage_IsNull(string? json) => Assert.Null(RoundChanges.FromJson(json));

    [Fact]
    public void FromJson_WhatToJsonWrote_IsTheSameSummary()
    {
        var changes = new RoundChanges(1, 2, Outcome.Fail, Outcome.Pass, ["gone <b>"], ["new"], ["fixed"]);

        var back = RoundChanges.FromJson(changes.ToJson())!;

        Assert.Equal(changes.Lines(), back.Lines());
    }
}
