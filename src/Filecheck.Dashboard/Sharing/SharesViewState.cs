using Filecheck.Dashboard.Shell;
using K = Filecheck.Dashboard.Shell.QueryKeys<Filecheck.Dashboard.Sharing.SharesViewState>;

namespace Filecheck.Dashboard.Sharing;

/// <summary>What <c>/shares</c> lists, in its address: my shares, or every share (<c>?scope=all</c>).</summary>
public sealed record SharesViewState : IAddressView<SharesViewState>
{
    public bool All { get; init; }

    public static QueryKeys<SharesViewState> Keys { get; } = new(
        K.Flag("scope", s => s.All, (s, v) => s with { All = v }, text: "all"));
}
