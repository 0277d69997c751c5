using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Filecheck.Figures;

/// <summary>
/// One open job page without a browser: what blazor.web.js does for a prerendered interactive-server page, at the
/// protocol level. GET the page (its <c>&lt;!--Blazor:{...}--&gt;</c> markers), connect to <c>/_blazor</c> with
/// "blazorpack", <c>StartCircuit</c>, answer the renderer's attach, add the page's root components
/// (<c>UpdateRootComponents</c>), acknowledge every render batch and answer every awaited JS call, then stay open.
/// </summary>
public sealed partial class ProtocolCircuit : IAsyncDisposable
{
    private const string AttachRenderer = "Blazor._internal.attachWebRendererInterop";
    private readonly HubConnection _connection;
    private readonly byte[] _drawnMarker;
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drawn = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextJsObjectId = 1;
    private long _batches;
    private long _batchBytes;

    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private string? _circuitId;

    private ProtocolCircuit(HubConnection connection, string drawnText, HttpClient http, Uri baseUri)
    {
        _connection = connection;
        _http = http;
        _baseUri = baseUri;
        _drawnMarker = Encoding.UTF8.GetBytes(drawnText);
        connection.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        connection.On<long, string, string, int, long, int>("JS.BeginInvokeJS", OnBeginInvokeJSAsync);
        connection.On<string>("JS.Error", error =>
        {
            Error ??= "JS.Error: " + error;
            _drawn.TrySetException(new InvalidOperationException(Error));
        });
        connection.Closed += ex =>
        {
            Closed = true;
            Error ??= "closed: " + (ex?.Message ?? "by the server");
            _drawn.TrySetException(new InvalidOperationException(Error));
            return Task.CompletedTask;
        };
    }

    public bool Closed { get; private set; }
    public string? Error { get; private set; }
    public long Batches => Interlocked.Read(ref _batches);
    public long BatchBytes => Interlocked.Read(ref _batchBytes);
    /// <summary>Every JS function the server awaited, with how often: the client answers each with null (an object reference for an import).</summary>
    public static ConcurrentDictionary<string, int> JsCallsAnswered { get; } = new();

    /// <summary>
    /// Opens a circuit of the page whose prerendered markers are <paramref name="prerender"/>, and waits until a render
    /// batch carrying <paramref name="drawnText"/> was acknowledged.
    /// </summary>
    public static async Task<ProtocolCircuit> OpenAsync(HttpClient http, Uri page, PrerenderedPage prerender, string? cookie, string drawnText, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var baseUri = new Uri(page, "/");
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUri, "_blazor"), o =>
            {
                // As a browser does: the WebSocket straight away, with the signed-in person's cookie.
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                if (cookie is not null) o.Headers["Cookie"] = cookie;
            });
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol>(new BlazorPackProtocol());
        var connection = builder.Build();
        // A busy machine can hold a ping back; the server's own 30 s client timeout still applies.
        connection.ServerTimeout = TimeSpan.FromMinutes(5);
        var circuit = new ProtocolCircuit(connection, drawnText, http, baseUri);
        try
        {
            await connection.StartAsync(timeout.Token);
            var id = await connection.InvokeAsync<string?>("StartCircuit", baseUri.ToString(), page.ToString(), "[]", prerender.State ?? "", timeout.Token);
            if (string.IsNullOrEmpty(id)) throw new InvalidOperationException("StartCircuit returned no circuit id: " + circuit.Error);
            circuit._circuitId = id;
            // blazor.web.js adds the root components once the server has attached its renderer, never before.
            await circuit._attached.Task.WaitAsync(timeout.Token);
            await connection.SendAsync("UpdateRootComponents", prerender.AddOperationsJson(), prerender.State ?? "", timeout.Token);
            await circuit._drawn.Task.WaitAsync(timeout.Token);
            return circuit;
        }
        catch (Exception ex)
        {
            var error = circuit.Error;
            await connection.DisposeAsync();
            throw new InvalidOperationException($"circuit for {page} failed: {error ?? ex.Message}", ex);
        }
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _batchBytes, batch.Length);
        // Acknowledged in order, as the browser's render queue does; unacknowledged batches would pile up at the server.
        await _connection.SendAsync("OnRenderCompleted", batchId, (string?)null);
        if (batch.AsSpan().IndexOf(_drawnMarker) >= 0) _drawn.TrySetResult();
    }

    private async Task OnBeginInvokeJSAsync(long asyncHandle, string identifier, string argsJson, int resultType, long targetInstanceId, int callType)
    {
        if (identifier == AttachRenderer) _attached.TrySetResult();
        if (asyncHandle == 0) return; // fire and forget: the server waits for nothing
        JsCallsAnswered.AddOrUpdate(identifier, 1, (_, n) => n + 1);
        // JSCallResultType.JSObjectReference (1): a module import must hand back an object reference, else null will do.
        var result = resultType == 1 ? $"{{\"__jsObjectId\":{Interlocked.Increment(ref _nextJsObjectId)}}}" : "null";
        await _connection.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, $"[{asyncHandle},true,{result}]");
    }

    /// <summary>Closed as a browser closes a tab: the disconnect beacon, so the server ends the circuit instead of keeping it for a reconnect.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_circuitId is not null && !Closed)
        {
            try
            {
                using var form = new FormUrlEncodedContent([new("circuitId", _circuitId)]);
                using var _ = await _http.PostAsync(new Uri(_baseUri, "_blazor/disconnect"), form);
            }
            catch (HttpRequestException) { } // the connection's close below ends it all the same, later
        }
        await _connection.DisposeAsync();
    }
}

/// <summary>What blazor.web.js reads from a prerendered page: the server components' markers and their persisted state.</summary>
public sealed partial class PrerenderedPage
{
    public IReadOnlyList<string> Markers { get; private init; } = [];
    public string? State { get; private init; }

    /// <summary>The page as the browser gets it (prerendered, with the signed-in person's cookie on the client).</summary>
    public static async Task<PrerenderedPage> GetAsync(HttpClient http, Uri page, CancellationToken ct)
    {
        var prerender = Parse(await http.GetStringAsync(page, ct));
        if (prerender.Markers.Count == 0) throw new InvalidOperationException($"{page} has no interactive server component marker (not signed in?)");
        return prerender;
    }

    public static PrerenderedPage Parse(string html)
    {
        var markers = new List<string>();
        foreach (Match m in MarkerComment().Matches(html))
        {
            // End markers hold only the prerender id; start markers carry the type and the protected descriptor.
            var json = m.Groups["json"].Value;
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("type", out var type) && type.GetString() == "server" && doc.RootElement.TryGetProperty("descriptor", out _))
                markers.Add(json);
        }
        var state = StateComment().Match(html);
        return new PrerenderedPage { Markers = markers, State = state.Success ? state.Groups["state"].Value : null };
    }

    /// <summary>The first UpdateRootComponents batch: every marker added, numbered as the browser numbers them.</summary>
    public string AddOperationsJson()
    {
        var operations = new JsonArray();
        for (var i = 0; i < Markers.Count; i++)
        {
            var marker = JsonNode.Parse(Markers[i])!.AsObject();
            marker["uniqueId"] = i;
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = marker });
        }
        return new JsonObject { ["batchId"] = 1, ["operations"] = operations }.ToJsonString();
    }

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex MarkerComment();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(?<state>[a-zA-Z0-9+/=]+)-->")]
    private static partial Regex StateComment();
}

/// <summary>Blazor Server's hub protocol: SignalR's MessagePack protocol under the name "blazorpack", as blazor.web.js names it.</summary>
internal sealed class BlazorPackProtocol : IHubProtocol
{
    private readonly MessagePackHubProtocol _inner = new();
    public string Name => "blazorpack";
    public int Version => _inner.Version;
    public TransferFormat TransferFormat => _inner.TransferFormat;
    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);
    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
        _inner.TryParseMessage(ref input, binder, out message);
    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);
}
