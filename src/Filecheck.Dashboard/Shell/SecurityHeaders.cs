using Filecheck.Dashboard.Access;

namespace Filecheck.Dashboard.Shell;

public static class SecurityHeaders
{
    /// <summary>
    /// Blazor Server needs only its own scripts and a WebSocket to this origin (connect-src 'self' covers ws/wss);
    /// MudBlazor sets inline styles and its theme writes a style element, hence 'unsafe-inline' for styles only.
    /// Forms post to this origin; sign-out is redirected on to the identity provider, which form-action must allow.
    /// </summary>
    public static string ContentSecurityPolicy(string? signInOrigin) =>
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        + "form-action 'self'" + (string.IsNullOrEmpty(signInOrigin) ? "" : " " + signInOrigin) + "; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = ContentSecurityPolicy(app.ApplicationServices.GetRequiredService<AccessOptions>().SignInOrigin);
        return app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // A proxied image's "sandbox" stays beside this policy (browsers enforce both); Blazor's own default is replaced.
                if (headers.ContentSecurityPolicy.ToString().StartsWith("sandbox", StringComparison.Ordinal)) headers.Append("Content-Security-Policy", policy);
                else headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            await next();
        });
    }
}
