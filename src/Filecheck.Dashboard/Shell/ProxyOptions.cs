using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the TLS-terminating proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. Loopback is always trusted; a header from any other address is ignored.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Proxies in front of proxies: how many <c>X-Forwarded-For</c> entries are read, right to left.</summary>
    public int ForwardLimit { get; set; } = 1;

    internal void ApplyTo(ForwardedHeadersOptions o)
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        o.ForwardLimit = ForwardLimit;
        foreach (var proxy in KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        foreach (var network in KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
    }
}

internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions o)
    {
        var errors = new List<string>();
        for (var i = 0; i < o.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(o.KnownProxies[i]?.Trim(), out _))
                errors.Add($"{ProxyOptions.Section}:KnownProxies:{i} must be an IP address (got '{o.KnownProxies[i]}').");
        }
        for (var i = 0; i < o.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(o.KnownNetworks[i]?.Trim(), out _))
                errors.Add($"{ProxyOptions.Section}:KnownNetworks:{i} must be a network in CIDR notation such as 10.0.0.0/24 (got '{o.KnownNetworks[i]}').");
        }
        if (o.ForwardLimit is < 1 or > 10) errors.Add($"{ProxyOptions.Section}:ForwardLimit must be between 1 and 10.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
