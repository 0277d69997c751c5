using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Access;

/// <summary>Sign-in, sign-out and the demo users' form: the only requests of Access that are not pages.</summary>
public static class AccessEndpoints
{
    public const string SignInPath = "/account/signin";
    public const string SignOutPath = "/account/signout";
    public const string DeniedPath = "/account/denied";
    public const string DemoSignInPath = "/account/demo-signin";

    public static WebApplication MapAccess(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AccessOptions>>().Value.AuthMode == AuthMode.Demo)
        {
            app.MapPost(DemoSignInPath, DemoSignInAsync).AllowAnonymous().DisableAntiforgery();
        }
        else
        {
            // Ahead of the sign-in page's own route, which only renders in demo mode.
            app.MapGet(SignInPath, (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous().WithOrder(-1);
        }

        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> SignOutAsync(
        HttpContext context, IAntiforgery antiforgery, IOptions<AccessOptions> settings, SessionStore sessions)
    {
        // No form field is bound here, so the antiforgery middleware would not refuse a forged post by itself.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Text("The sign-out form has expired. Reload the page and sign out again.", statusCode: StatusCodes.Status400BadRequest);
        }
        // In the store, before the cookie goes: a copy of it is refused after a restart and on every instance.
        await sessions.EndAsync(context.User, CancellationToken.None);
        var properties = new AuthenticationProperties { RedirectUri = "/" };
        return settings.Value.AuthMode == AuthMode.Demo
            ? Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme])
            : Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> DemoSignInAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // Checked here rather than by form binding, so that a stale form (a restart, an old tab) gets a plain answer.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Text("The sign-in form has expired. Reload the sign-in page and pick a user again.",
                statusCode: StatusCodes.Status400BadRequest);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? user = form["user"], returnUrl = form["returnUrl"];
        var demo = DemoUsers.Find(user);
        if (demo is null)
        {
            return Results.Text("Pick one of the demo users listed on the sign-in page.", statusCode: StatusCodes.Status400BadRequest);
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "demo-" + demo.Id),
            new(ClaimTypes.Name, demo.Name),
            new(ClaimTypes.Email, demo.Email),
            new("auth_mode", "demo"),
        };
        claims.AddRange(demo.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return Results.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    /// <summary>Only local paths; anything else (another host, a protocol-relative URL) goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        // The framework's own test also refuses control characters, which browsers strip ("/\t/evil.com" is "//evil.com").
        Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(returnUrl) && !returnUrl!.Any(char.IsControl) ? returnUrl! : "/";
}
