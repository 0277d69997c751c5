using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Shell;

/// <summary>What the security headers allow beyond this origin; a part that sends people elsewhere adds its origin.</summary>
public sealed class SecurityHeadersOptions
{
    /// <summary>Origins forms may post to or be redirected to (the identity provider on sign-out).</summary>
    public List<string> FormActionOrigins { get; } = [];
}

public static class SecurityHeaders
{
    /// <summary>
    /// Blazor Server needs only its own scripts and a WebSocket to this origin (connect-src 'self' covers ws/wss);
    /// MudBlazor sets inline styles and its theme writes a style element, hence 'unsafe-inline' for styles only.
    /// Forms post to this origin; sign-out is redirected on to the identity provider, which form-action must allow.
    /// </summary>
    public static string ContentSecurityPolicy(params IEnumerable<string?> formActionOrigins) =>
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        + "form-action " + string.Join(" ", formActionOrigins.Where(o => !string.IsNullOrEmpty(o)).Prepend("'self'")) + "; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = ContentSecurityPolicy(app.ApplicationServices.GetRequiredService<IOptions<SecurityHeadersOptions>>().Value.FormActionOrigins);
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
