using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Filecheck.Dashboard.Access;

namespace Filecheck.Dashboard.Sharing;

public partial class ShareCommentsView
{
    private readonly Dictionary<long, string?> _drafts = [];
    private string? _problem;

    [Inject] private ShareComments Comments { get; set; } = default!;
    [Inject] private AccessGuard Guard { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? Auth { get; set; }

    [Parameter, EditorRequired] public IReadOnlyList<BoardRound> Rounds { get; set; } = [];

    /// <summary>Customer success may answer; others only read.</summary>
    [Parameter] public bool CanAnswer { get; set; } = true;

    /// <summary>After an answer was saved, so the owner reloads its list.</summary>
    [Parameter] public EventCallback Answered { get; set; }

    protected override void OnParametersSet()
    {
        foreach (var c in Rounds.SelectMany(r => r.Comments)) _drafts.TryAdd(c.Comment.Id, null);
    }

    private async Task AnswerAsync(long commentId)
    {
        if ((_problem = await Guard.ShareRefusalAsync()) is not null) return;
        var user = Auth is null ? "staff" : UserKey.NameOf((await Auth).User);
        _problem = await Comments.AnswerAsync(commentId, _drafts.GetValueOrDefault(commentId), user);
        if (_problem is null)
        {
            _drafts[commentId] = null;
            await Answered.InvokeAsync();
        }
    }
}
