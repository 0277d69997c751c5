using Bunit;
using Filecheck.Dashboard.Jobs.JobsList;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The jobs list's page over a list whose loads the test finishes by hand, in any order.</summary>
public sealed class JobsListPageTests : ComponentTest
{
    private readonly HeldJobsList _list = new();

    public JobsListPageTests()
    {
        Ctx.Services.AddSingleton<IJobsList>(_list);
        Ctx.Services.AddSingleton(TimeProvider.System);
        RenderMode(interactive: true);
    }

    [Fact]
    public async Task AddressChangedTwice_TheFirstLoadFinishingLast_TheNewestAddressWins()
    {
        var navigation = Ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/jobs?outcome=fail");
        var page = Ctx.Render<JobsListPage>();
        _list.Finish("outcome=fail", total: 513);
        page.WaitForAssertion(() => Assert.StartsWith("513 jobs", page.Find("[data-testid=jobs-total]").TextContent));

        navigation.NavigateTo("/jobs?outcome=warn");
        navigation.NavigateTo("/jobs");
        // The newest address's load ends first; the older one's answer, arriving after, is out of date.
        _list.Finish("", total: 825);
        page.WaitForAssertion(() => Assert.StartsWith("825 jobs", page.Find("[data-testid=jobs-total]").TextContent));
        _list.Finish("outcome=warn", total: 12);

        // The late answer's continuation is queued on the renderer before this: once this ran, it has been handled.
        await page.InvokeAsync(() => { });
        Assert.StartsWith("825 jobs", page.Find("[data-testid=jobs-total]").TextContent);
        Assert.Equal("Every job", page.Find("[data-testid=jobs-filters]").TextContent.Split(',', '.')[0]);
    }

    /// <summary>Each load waits until the test finishes the one for its query; the cancellation token is ignored, as a slow store would.</summary>
    private sealed class HeldJobsList : IJobsList
    {
        private readonly Dictionary<string, TaskCompletionSource<JobsListResult>> _held = [];
        private readonly Lock _gate = new();

        public Task<JobsListResult> LoadAsync(JobsListState state, CancellationToken ct = default, int pageSize = JobsListState.PageSize)
        {
            lock (_gate) return Held(state.ToQuery()).Task;
        }

        public Task<JobsListChoices> ChoicesAsync(CancellationToken ct = default) => Task.FromResult(new JobsListChoices([], [], []));

        public void Finish(string query, int total)
        {
            TaskCompletionSource<JobsListResult> held;
            lock (_gate) held = Held(query);
            var state = JobsListState.FromQuery(query);
            held.SetResult(new JobsListResult(state, [new JobsListRow("job_" + total, null, "done", "pass", null, null, null, null, null, null, 1)], total, JobsListState.PageSize, null, null));
        }

        private TaskCompletionSource<JobsListResult> Held(string query)
        {
            if (!_held.TryGetValue(query, out var held)) _held[query] = held = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return held;
        }
    }
}
