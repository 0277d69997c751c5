using System.Net;
using Filecheck.Dashboard.Access;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Access;

/// <summary><c>Auth:SessionLifetime</c> from configuration to the session cookie a sign-in issues, in the whole app.</summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public async Task SignIn_SessionLifetimeSetting_IsTheEndOfTheCookiesTicketAndOfTheSession()
    {
        await using var app = new ProductionApp(new Dictionary<string, string?> { ["Auth:SessionLifetime"] = "01:30:00" });
        var cookies = new CookieContainer();

        var before = DateTimeOffset.UtcNow;
        await app.SignedInClientAsync("staff", cookies);
        var after = DateTimeOffset.UtcNow;

        var cookie = cookies.GetAllCookies().Single(c => c.Name == "filecheck.dashboard");
        var format = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        var ticket = format.Unprotect(cookie.Value);
        Assert.NotNull(ticket);
        // Whole seconds: the session's end is stamped in Unix seconds.
        var window = (before.AddMinutes(90).AddSeconds(-1), after.AddMinutes(90).AddSeconds(1));
        Assert.InRange(ticket.Properties.ExpiresUtc!.Value, window.Item1, window.Item2);
        Assert.InRange(SessionClaims.ExpiryOf(ticket.Principal)!.Value, window.Item1, window.Item2);
    }
}
