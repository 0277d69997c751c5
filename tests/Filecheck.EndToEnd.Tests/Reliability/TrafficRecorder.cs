using System.Text;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// Records what a Chromium page received and sent into <see cref="LeakEvidence"/>: every HTTP response's headers and body
/// (Playwright's response events) and every WebSocket frame in both directions (Blazor's circuit, binary or text).
/// </summary>
public sealed class TrafficRecorder
{
    private readonly LeakEvidence _evidence;
    private readonly List<Task> _pending = [];
    private readonly Lock _gate = new();

    public TrafficRecorder(LeakEvidence evidence) => _evidence = evidence;

    /// <summary>The role the next recorded items belong to.</summary>
    public string Role { get; set; } = "";

    /// <summary>Responses without a body of their own (redirects, downloads): their headers are recorded all the same.</summary>
    public int BodilessResponses;

    public void Attach(IPage page)
    {
        page.Response += (_, response) =>
        {
            var role = Role;
            lock (_gate) _pending.Add(RecordAsync(role, response));
        };
        page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => Frame(socket, frame, "received");
            socket.FrameSent += (_, frame) => Frame(socket, frame, "sent");
        };
    }

    private void Frame(IWebSocket socket, IWebSocketFrame frame, string direction) =>
        _evidence.Add(Role, EvidenceKind.Frame, $"{direction} on {socket.Url}",
            frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? ""));

    private async Task RecordAsync(string role, IResponse response)
    {
        var where = $"{response.Status} {response.Request.Method} {response.Url}";
        // Asked for at once: the browser drops a body when the page navigates away.
        var body = response.Status is >= 300 and < 400 ? null : BodyAsync(response);
        var headers = await response.HeadersArrayAsync();
        _evidence.Add(role, EvidenceKind.Headers, where, string.Join('\n', headers.Select(h => $"{h.Name}: {h.Value}")));
        var bytes = body is null ? null : await body;
        if (bytes is not null)
        {
            _evidence.Add(role, EvidenceKind.Body, where, bytes);
            return;
        }
        // A redirect has no body; a download's body is the file, recorded from the download itself; any other body the
        // browser dropped (its page navigated on) must be covered by the server's copy.
        var attachment = headers.Any(h => h.Name.Equals("content-disposition", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("attachment", StringComparison.OrdinalIgnoreCase));
        if (body is not null && !attachment)
        {
            var url = new Uri(response.Url);
            lock (_gate) Dropped.Add($"{response.Request.Method} {url.AbsolutePath}{url.Query}");
        }
        Interlocked.Increment(ref BodilessResponses);
    }

    /// <summary>Responses whose body the browser no longer had when asked (method, path and query).</summary>
    public List<string> Dropped { get; } = [];

    private static async Task<byte[]?> BodyAsync(IResponse response)
    {
        try
        {
            return await response.BodyAsync();
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }

    /// <summary>A response fetched outside the page (the API request context shares its cookies): recorded the same way.</summary>
    public async Task RecordAsync(IAPIResponse response, bool isDownloadRedirect = false)
    {
        var where = $"{response.Status} GET {response.Url}";
        var headers = response.HeadersArray;
        var location = headers.Where(h => h.Name.Equals("location", StringComparison.OrdinalIgnoreCase)).ToList();
        _evidence.Add(Role, EvidenceKind.Headers, where,
            string.Join('\n', headers.Except(isDownloadRedirect ? location : []).Select(h => $"{h.Name}: {h.Value}")));
        if (isDownloadRedirect) _evidence.Add(Role, EvidenceKind.DownloadLocation, where, string.Join('\n', location.Select(h => h.Value)));
        _evidence.Add(Role, EvidenceKind.Body, where, await response.BodyAsync());
    }

    public void AddDownload(string name, byte[] bytes) => _evidence.Add(Role, EvidenceKind.Download, name, bytes);

    /// <summary>Waits for every response body asked for so far (call before a page closes).</summary>
    public async Task FlushAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _pending];
            _pending.Clear();
        }
        await Task.WhenAll(pending);
    }
}
