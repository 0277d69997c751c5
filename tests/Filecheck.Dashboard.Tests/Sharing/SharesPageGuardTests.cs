using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>
/// The shares page asks again at the click, on the real store: a page opened while the user could share proofs refuses
/// revoke and extend once their session was ended (by an admin, on any instance) or their role taken, with the page's
/// message, and the link in the store is as it was (no revocation, the same expiry, no new audit row).
/// </summary>
public sealed class SharesPageGuardTests(SandboxFixture sandbox) : ComponentTest(ComponentUpstream.None), IClassFixture<SandboxFixture>
{
    private const string UserId = "oid-casey";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TempStore _temp = new();
    private readonly Claim[] _session = SignedInSession();
    private BunitAuthorizationContext _auth = default!;
    private long _shareId;

    public override async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(HistoryHost.Settings(sandbox.Server, _temp.File)).Build();
        Ctx.Services.AddSingleton<IConfiguration>(configuration);
        HistoryHost.AddServices(Ctx.Services, configuration);
        Ctx.Services.AddSharing(configuration);
        Ctx.Services.AddSingleton(new BackendInfo(IsSandbox: false));
        AddGuard(Ctx.Services);
        _auth = Ctx.AddAuthorization();
        _auth.SetAuthorized("Casey CS").SetPolicies(Policies.ShareProofs).SetClaims([new Claim("oid", UserId), .. _session]);
        RenderMode(interactive: true);

        var job = sandbox.Server.Jobs.Get(WellKnownJobs.Warning)!;
        var created = await Ctx.Services.GetRequiredService<ShareLinkService>().CreateAsync(
            new ShareRequest { Files = [new ShareFile(job.Id, job.Tasks![0].Id, job.Tasks[0].DisplayName)] }, "Casey CS", UserId);
        Assert.Null(created.Error);
        _shareId = created.Share!.Id;
        // The sign-in's row, as the cookie handler writes it: the session an admin can end.
        var signedIn = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "Casey CS"), new Claim("oid", UserId), .. _session], "test"));
        await Ctx.Services.GetRequiredService<SessionStore>().RecordSignInAsync(signedIn);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("session ended")]
    [InlineData("role removed")]
    public async Task Revoke_AfterThePageOpened_SessionEndedOrRoleRemoved_IsRefusedWithTheMessage_AndChangesNothing(string why)
    {
        var shares = Ctx.Services.GetRequiredService<ShareLinkService>();
        var before = await shares.GetAsync(_shareId);
        var auditBefore = (await shares.AuditTrailAsync(_shareId)).Count;
        var page = Ctx.Render<SharesPage>();
        Shows(page, "[data-testid=share-revoke]");

        await TakeAwayAsync(why);

        page.Find("[data-testid=share-revoke]").Click();
        page.WaitForAssertion(() => Assert.Equal(SharesPage.NotAllowed, page.Find("[data-testid=shares-problem]").TextContent.Trim()), Patience);
        await UnchangedAsync(shares, before!, auditBefore);
    }

    /// <summary>Extend on its own: the guard on revoke does not stand in for the one on extend.</summary>
    [Theory]
    [InlineData("session ended")]
    [InlineData("role removed")]
    public async Task Extend_AfterThePageOpened_SessionEndedOrRoleRemoved_IsRefusedWithTheMessage_AndChangesNothing(string why)
    {
        var shares = Ctx.Services.GetRequiredService<ShareLinkService>();
        var before = await shares.GetAsync(_shareId);
        var auditBefore = (await shares.AuditTrailAsync(_shareId)).Count;
        var popovers = Ctx.Render<MudPopoverProvider>();
        var page = Ctx.Render<SharesPage>();
        Shows(page, "[data-testid=share-extend]");

        await TakeAwayAsync(why);

        page.Find("[data-testid=share-extend] button").Click();
        Shows(popovers, ".mud-menu-item");
        popovers.FindAll(".mud-menu-item").First(i => i.TextContent.Contains("from now", StringComparison.Ordinal)).Click();
        page.WaitForAssertion(() => Assert.Equal(SharesPage.NotAllowed, page.Find("[data-testid=shares-problem]").TextContent.Trim()), Patience);
        await UnchangedAsync(shares, before!, auditBefore);
    }

    private async Task TakeAwayAsync(string why)
    {
        if (why == "session ended") Assert.Equal(1, await Ctx.Services.GetRequiredService<SessionStore>().EndUserAsync(UserId, "Ada Admin"));
        else _auth.SetPolicies();
    }

    /// <summary>No revocation, the same expiry, no new audit row.</summary>
    private async Task UnchangedAsync(ShareLinkService shares, ShareSummary before, int auditBefore)
    {
        var after = await shares.GetAsync(_shareId);
        Assert.NotNull(after);
        Assert.Null(after.RevokedAt);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
        Assert.Equal(auditBefore, (await shares.AuditTrailAsync(_shareId)).Count);
    }

    private static void Shows<T>(IRenderedComponent<T> rendered, string selector) where T : Microsoft.AspNetCore.Components.IComponent =>
        rendered.WaitForState(() => rendered.FindAll(selector).Count > 0, Patience);
}
