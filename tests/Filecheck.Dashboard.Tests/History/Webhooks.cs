using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>Builds webhook requests as Filecheck (or the sandbox) sends them.</summary>
public static class Webhooks
{
    public static string Completed(string id, string outcome = "pass") =>
        $$"""{"id":"{{id}}","domainIdx":42,"status":"done","outcome":"{{outcome}}","customerId":"cust_forged","orderId":"order_forged","taskIds":[],"created":1785308102000,"finalized":"2026-07-29T10:15:41.000Z","tasks":[]}""";

    public static string Created(string id) =>
        $$"""{"id":"{{id}}","status":"pending","channel":"store","ruleId":null,"customerId":"cust_1","orderId":"order_1","taskCount":1,"created":1785308102000}""";

    public static HttpRequestMessage Request(string body, string? secret = HistoryHost.WebhookSecret, string? signingSecret = HistoryHost.SigningSecret,
        string? signature = null)
    {
        var raw = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookIntake.Path.TrimStart('/')) { Content = new ByteArrayContent(raw) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (secret is not null) request.Headers.Add("x-dashboard-webhook-secret", secret);
        signature ??= signingSecret is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), raw));
        if (signature is not null) request.Headers.Add(WebhookIntake.SignatureHeader, signature);
        return request;
    }

    /// <summary>A webhook with <c>x-filecheck-timestamp</c> (Unix seconds), signed over <c>timestamp + "." + body</c>.</summary>
    public static HttpRequestMessage Timestamped(string body, DateTimeOffset at, string signingSecret = HistoryHost.SigningSecret, bool signTimestamp = true)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signed = signTimestamp ? timestamp + "." + body : body;
        var request = Request(body, signature: Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.UTF8.GetBytes(signed))));
        request.Headers.Add(WebhookIntake.TimestampHeader, timestamp);
        return request;
    }
}
