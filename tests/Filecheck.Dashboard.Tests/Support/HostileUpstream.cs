using Filecheck.Testing;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// A Filecheck-compatible API on 127.0.0.1 with one job whose file names, reasons and metadata hold markup and script,
/// an order and a customer: what the public page must escape, or leave out.
/// </summary>
public sealed class HostileUpstream : IAsyncDisposable
{
    public const string JobId = "job_01hostile0000000000000000";
    public const string SharedTask = "task_01shared000000000000000";
    public const string UnsharedTask = "task_01unshared00000000000000";
    public const string SharedName = "<script>alert('shared')</script><img src=x onerror=alert(1)>.pdf";
    public const string UnsharedName = "secret-unshared-plan.pdf";
    public const string OrderId = "ORDER-7731-SECRET";
    public const string CustomerEmail = "hidden.customer@example.com";
    public const string Reason = "<iframe src=//evil>Fonts not embedded</iframe>";

    private readonly WebApplication _app;

    private HostileUpstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<HostileUpstream> StartAsync()
    {
        var app = LoopbackApp.Create();
        app.MapGet("/jobs", () => Results.Text("""{"jobs":[],"nextKey":null}""", "application/json"));
        app.MapGet("/jobs/{id}", (string id, HttpContext ctx) =>
        {
            if (id != JobId) return Results.Text("""{"error":true,"message":"Job not found"}""", "application/json", statusCode: 404);
            return Results.Text((ctx.Request.Query["expand"] == "runs" ? Runs() : Job()).ToJsonString(), "application/json");
        });
        return new HostileUpstream(app, await app.ListenAsync());
    }

    private static JsonObject Runs() => new()
    {
        ["id"] = JobId,
        ["status"] = "done",
        ["outcome"] = "fail",
        ["runs"] = new JsonArray(
            new JsonObject
            {
                ["id"] = SharedTask, ["name"] = SharedName, ["outcome"] = "fail", ["status"] = "done", ["hasOutput"] = false,
                ["proofs"] = new JsonArray(new JsonObject { ["url"] = "https://fc-artifacts.s3.amazonaws.com/p/1.png?X-Amz-Signature=a" }),
            },
            new JsonObject
            {
                ["id"] = UnsharedTask, ["name"] = UnsharedName, ["outcome"] = "pass", ["status"] = "done", ["hasOutput"] = false,
                ["proofs"] = new JsonArray(new JsonObject { ["url"] = "https://fc-artifacts.s3.amazonaws.com/p/2.png?X-Amz-Signature=b" }),
            }),
    };

    private static JsonObject Job() => new()
    {
        ["job"] = new JsonObject
        {
            ["id"] = JobId, ["status"] = "done", ["outcome"] = "fail", ["orderId"] = OrderId, ["customerEmail"] = CustomerEmail,
            ["customerId"] = "cust_<b>secret</b>",
            ["metaData"] = new JsonObject { ["note"] = "<script>alert('meta')</script>" },
            ["tasks"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = SharedTask, ["status"] = "done", ["outcome"] = "fail", ["fileRef"] = SharedName,
                    ["steps"] = new JsonArray(new JsonObject { ["id"] = "step_1", ["type"] = "preflight", ["status"] = "done", ["outcome"] = "fail", ["reason"] = Reason }),
                },
                new JsonObject { ["id"] = UnsharedTask, ["status"] = "done", ["outcome"] = "pass", ["fileRef"] = UnsharedName }),
        },
    };

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
