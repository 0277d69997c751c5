using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Filecheck.Testing;

/// <summary>
/// A small real HTTP server for tests (a hostile Filecheck, an artifact host, a notification receiver): Kestrel on
/// 127.0.0.1 at a free port, no logging. Create it, map its routes, then <see cref="ListenAsync"/> for its address.
/// </summary>
public static class LoopbackApp
{
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder;
    }

    public static WebApplication Create() => CreateBuilder().Build();

    /// <summary>Starts the app and gives its base address, ending in '/'.</summary>
    public static async Task<Uri> ListenAsync(this WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
