using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// The first middleware of the test host: a copy of every HTTP response body the dashboard sends (with its headers), as
/// sent, so that a body the browser dropped (its page navigated on) is searched all the same. WebSocket traffic is left to
/// the browser's frame events.
/// </summary>
public sealed class ResponseTee(LeakEvidence evidence, Func<string> role) : IStartupFilter
{
    /// <summary>Each response's method, path and query, as the browser's URL would end.</summary>
    public HashSet<string> Seen { get; } = [];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                await proceed(context);
                return;
            }
            var original = context.Features.Get<IHttpResponseBodyFeature>()!;
            using var copy = new MemoryStream();
            var tee = new TeeStream(original.Stream, copy);
            context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(tee, original));
            try
            {
                await proceed(context);
            }
            finally
            {
                context.Features.Set(original);
                var where = $"{context.Response.StatusCode} {context.Request.Method} {context.Request.Path}{context.Request.QueryString}";
                var who = role();
                // The one place a signature may be: the Location of a download's redirect (a job's file or a shared one).
                var downloadRedirect = context.Response.StatusCode is >= 300 and < 400 && context.Request.Path.Value!.Contains("/download");
                var headers = context.Response.Headers.Where(h => !(downloadRedirect && h.Key == "Location"));
                evidence.Add(who, EvidenceKind.ServerHeaders, where, string.Join('\n', headers.Select(h => $"{h.Key}: {h.Value}")));
                if (downloadRedirect) evidence.Add(who, EvidenceKind.DownloadLocation, where, context.Response.Headers.Location.ToString());
                evidence.Add(who, EvidenceKind.ServerBody, where, copy.ToArray());
                lock (Seen) Seen.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            }
        });
        next(app);
    };

    private sealed class TeeStream(Stream inner, Stream copy) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (copy) copy.Write(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (copy) copy.Write(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
