using Filecheck.Dashboard.History;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// With the built-in sandbox, makes it post its webhooks to this dashboard with a secret and a signing secret made up
/// at start (unless configured). The dashboard's address is known only once Kestrel listens, so the sandbox starts with
/// a placeholder URL and gets the real one when the application has started.
/// </summary>
internal static class SandboxWebhooks
{
    internal static readonly Uri Placeholder = new("http://127.0.0.1:9" + WebhookIntake.Path);

    public static void TargetOnStart(WebApplication app)
    {
        var sandbox = app.Services.GetRequiredService<SandboxRun>().Options;
        var server = app.Services.GetRequiredService<IServer>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SandboxWebhooks));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
            if (address is null || sandbox.WebhookUrl != Placeholder) return;
            var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost")) { Path = WebhookIntake.Path };
            if (uri.Host is "0.0.0.0" or "[::]" or "::") uri.Host = "127.0.0.1";
            sandbox.WebhookUrl = uri.Uri;
            logger.LogInformation("The sandbox posts its webhooks to {Url}", sandbox.WebhookUrl);
        });
    }
}
