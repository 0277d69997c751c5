using Microsoft.AspNetCore.Components;

namespace Filecheck.Dashboard.Sharing;

/// <summary>The round form's suggestions: later jobs of the same order and file name, one click to pick.</summary>
public partial class ShareRoundForm
{
    private IReadOnlyList<RoundSuggestion> _suggestions = [];
    private int? _suggestedFor;

    [Inject] private RoundSuggestions Suggestions { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        if (Auth is null || _suggestedFor == _position) return;
        _suggestedFor = _position;
        _suggestions = await Suggestions.ForAsync(Share, _position, (await Auth).User);
    }

    private async Task PositionChangedAsync(int position)
    {
        _position = position;
        await OnParametersSetAsync();
    }

    private void Pick(RoundSuggestion suggestion) => _jobId = suggestion.JobId;
}
