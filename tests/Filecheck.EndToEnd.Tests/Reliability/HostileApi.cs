using Filecheck.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// A Filecheck-compatible API on 127.0.0.1 that answers with <see cref="HostileAnswers"/>: each case's job, its runs, the
/// library with hostile names, and proof images (a real PNG, an SVG carrying script, a missing one) and downloads.
/// </summary>
public sealed class HostileApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HostileApi(WebApplication app, Uri baseAddress, IReadOnlyList<HostileAnswers.Case> cases)
    {
        _app = app;
        BaseAddress = baseAddress;
        Cases = cases;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<HostileAnswers.Case> Cases { get; }

    public static async Task<HostileApi> StartAsync()
    {
        var app = LoopbackApp.Create();
        // The address is known once it listens; the answers (which point their proofs here) are made then.
        var answers = new Dictionary<string, (string Job, string Runs)>();
        app.MapGet("/jobs", () => Results.Text("""{"jobs":[],"nextKey":null}""", "application/json"));
        app.MapGet("/jobs/{id}", (string id, HttpContext context) => answers.TryGetValue(id, out var answer)
            ? Results.Text(context.Request.Query["expand"] == "runs" ? answer.Runs : answer.Job, "application/json")
            : Results.Text("""{"error":true,"message":"Job not found"}""", "application/json", statusCode: 404));
        app.MapGet("/workflows", () => Results.Text(HostileAnswers.Library("workflows").ToJsonString(), "application/json"));
        app.MapGet("/rules", () => Results.Text(HostileAnswers.Library("rules").ToJsonString(), "application/json"));
        app.MapGet("/profiles", () => Results.Text("""{"profiles":[]}""", "application/json"));
        app.MapGet("/proofs/{name}", (string name) => name switch
        {
            "evil.svg" => Results.Bytes(HostileAnswers.EvilSvg, "image/svg+xml"),
            "missing.png" => Results.NotFound(),
            _ => Results.Bytes(HostileAnswers.Png, "image/png"),
        });
        app.MapGet("/downloads/{name}", () => Results.Bytes("%PDF-1.4\n%%EOF\n"u8.ToArray(), "application/pdf"));
        var baseAddress = await app.ListenAsync();
        var cases = HostileAnswers.Cases(baseAddress);
        foreach (var c in cases) answers[c.JobId] = (c.JobResponse.ToJsonString(), c.RunsResponse.ToJsonString());
        return new HostileApi(app, baseAddress, cases);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
