using System.Diagnostics;
using System.Text.Json.Nodes;
using Filecheck.Api.Models;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Filecheck.Api.Tests;

public sealed class SubmissionSandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 50, NewJobEvery = null });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Uploads and new jobs through the registered client (real resilience pipeline) against the sandbox over real HTTP.</summary>
public sealed class SubmissionTests : IClassFixture<SubmissionSandboxFixture>, IAsyncLifetime
{
    private const long MB = 1024 * 1024;
    private readonly SandboxServer _server;
    private readonly ITestOutputHelper _output;
    private readonly List<ServiceProvider> _providers = [];

    public SubmissionTests(SubmissionSandboxFixture fixture, ITestOutputHelper output)
    {
        _server = fixture.Server;
        _output = output;
        _server.Faults.Clear();
        _server.Requests.Reset();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _server.Faults.Clear();
        foreach (var provider in _providers) await provider.DisposeAsync();
    }

    private IFilecheckClient Client(SandboxServer? server = null)
    {
        server ??= _server;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFilecheckClient(o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(50));
        services.PostConfigure<FilecheckOptions>(o =>
        {
            o.BaseUrl = server.BaseAddress;
            o.ApiKey = server.ApiKey;
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IFilecheckClient>();
    }

    private static CreateJobRequest Check(string fileRef, string orderId, string profile = "preflight_standard_flyers") => new()
    {
        Sources =
        [
            new JobSourceRequest
            {
                FileRef = fileRef,
                Steps = [JobStepRequest.Preflight(profile), JobStepRequest.Autofix(), JobStepRequest.Repreflight(profile), JobStepRequest.Validate("2b"), JobStepRequest.Previews()],
            },
        ],
        OrderId = orderId,
        CustomerId = "cust_977",
        RuleId = "rule_flyers_a5",
        MetaData = new JsonObject { ["checkAgainOf"] = WellKnownJobs.Warning, ["note"] = "corrected file from the customer" },
    };

    private static async Task<string> Uploaded(IFilecheckClient client, long length = 64 * 1024)
    {
        var target = await client.CreateUploadAsync(length, "application/pdf");
        Assert.True(target.IsSuccess, target.Failure?.ToString());
        await using var file = new GeneratedPdf(length);
        var uploaded = await client.UploadAsync(target.Value, file, length, "corrected.pdf", "application/pdf");
        Assert.True(uploaded.IsSuccess, uploaded.Failure?.ToString());
        return uploaded.Value;
    }

    [Fact]
    public async Task UploadAsync_50MegabyteFile_StreamsThrough_AndTheJobSeesItsSize()
    {
        var client = Client();
        const long length = 50 * MB;
        var target = await client.CreateUploadAsync(length, "application/pdf");
        Assert.True(target.IsSuccess, target.Failure?.ToString());

        using var process = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingBefore = process.WorkingSet64;
        long peakManaged = managedBefore, peakWorking = workingBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                peakWorking = Math.Max(peakWorking, process.WorkingSet64);
                try { await Task.Delay(10, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var clock = Stopwatch.StartNew();
        await using (var file = new GeneratedPdf(length))
        {
            var uploaded = await client.UploadAsync(target.Value, file, length, "poster-A1.pdf", "application/pdf");
            Assert.True(uploaded.IsSuccess, uploaded.Failure?.ToString());
            Assert.Equal(target.Value.FileRef, uploaded.Value);
            Assert.Equal(length, file.Position); // every byte was read from the source, once
        }
        clock.Stop();
        await stop.CancelAsync();
        await sampler;
        // Client and sandbox share this process, so the growth covers both ends of the upload.
        _output.WriteLine($"50 MB upload in {clock.ElapsedMilliseconds} ms; managed heap peak +{(peakManaged - managedBefore) / (double)MB:0.0} MB, " +
                          $"working set peak +{(peakWorking - workingBefore) / (double)MB:0.0} MB (client and sandbox in one process)");

        var job = await client.CreateJobAsync(Check(target.Value.FileRef, "order_big_upload"));
        Assert.True(job.IsSuccess, job.Failure?.ToString());
        Assert.Equal(length, job.Value.Tasks![0].OriginalArtifact!.SizeBytes);
        Assert.Equal("pdf", job.Value.Tasks[0].FileType);
    }

    [Fact]
    public async Task UploadAsync_OverTheLimit_RefusedBeforeAnyByteIsSent()
    {
        var client = Client();
        var tooBig = await client.CreateUploadAsync(600 * MB, "application/pdf");
        Assert.False(tooBig.IsSuccess);
        Assert.Equal(FilecheckFailureKind.TooLarge, tooBig.Failure.Kind);
        Assert.Contains("500 MB", tooBig.Failure.Describe());
        Assert.Equal(0, _server.Requests.Total);

        var target = await client.CreateUploadAsync(mimeType: "application/pdf");
        Assert.True(target.IsSuccess, target.Failure?.ToString());
        _server.Requests.Reset();
        await using var untouchable = new ThrowingStream();
        var refused = await client.UploadAsync(target.Value, untouchable, 501 * MB, "huge.pdf", "application/pdf");
        Assert.False(refused.IsSuccess);
        Assert.Equal(FilecheckFailureKind.TooLarge, refused.Failure.Kind);
        Assert.Equal("Filecheck cannot take a file this large: the file is 501 MB; Filecheck accepts at most 500 MB.", refused.Failure.Describe());
        Assert.Equal(0, _server.Requests.Total);
    }

    [Fact]
    public async Task UploadAsync_TargetWithALowerLimit_IsHonouredByTheClient()
    {
        await using var small = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 10, NewJobEvery = null, UploadMaxBytes = 256 * 1024 });
        var client = Client(small);
        var target = await client.CreateUploadAsync();
        Assert.True(target.IsSuccess, target.Failure?.ToString());
        Assert.Equal(256 * 1024, target.Value.MaxBytes);
        small.Requests.Reset();
        await using var file = new GeneratedPdf(300 * 1024);
        var refused = await client.UploadAsync(target.Value, file, 300 * 1024, "a.pdf");
        Assert.Equal(FilecheckFailureKind.TooLarge, refused.Failure!.Kind);
        Assert.Equal(0, small.Requests.Total);
        Assert.Equal(0, file.Position);
    }

    [Fact]
    public async Task UploadAsync_CredentialsExpiredAtTheTarget_IsUploadExpired()
    {
        var clock = new SteppedClock(DateTimeOffset.UtcNow);
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 10, NewJobEvery = null, Clock = clock });
        var client = Client(server);
        var target = await client.CreateUploadAsync(1024, "application/pdf");
        Assert.True(target.IsSuccess, target.Failure?.ToString());
        Assert.InRange(target.Value.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(301));

        clock.Advance(TimeSpan.FromSeconds(301)); // the sandbox's clock: the client still thinks the credentials hold
        await using var file = new GeneratedPdf(1024);
        var result = await client.UploadAsync(target.Value, file, 1024, "late.pdf", "application/pdf");
        Assert.False(result.IsSuccess);
        Assert.Equal(FilecheckFailureKind.UploadExpired, result.Failure.Kind);
        Assert.Equal(403, result.Failure.StatusCode);
        Assert.Contains("expired", result.Failure.Message);
        Assert.Equal(1, server.Requests.Count("/s3/fc-uploads"));
    }

    [Fact]
    public async Task UploadAsync_CredentialsExpiredOnTheClientsClock_NothingIsSent()
    {
        var client = Client();
        var target = await client.CreateUploadAsync(1024);
        Assert.True(target.IsSuccess, target.Failure?.ToString());
        _server.Requests.Reset();
        var stale = target.Value with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) };
        await using var file = new GeneratedPdf(1024);
        var result = await client.UploadAsync(stale, file, 1024, "late.pdf");
        Assert.Equal(FilecheckFailureKind.UploadExpired, result.Failure!.Kind);
        Assert.Equal(0, _server.Requests.Total);
    }

    [Fact]
    public async Task CreateJobAsync_UnknownProfile_IsInvalidRequestWithTheApisMessage()
    {
        var client = Client();
        var fileRef = await Uploaded(client);
        var result = await client.CreateJobAsync(Check(fileRef, "order_unknown_profile", profile: "preflight_does_not_exist"));
        Assert.False(result.IsSuccess);
        Assert.Equal(FilecheckFailureKind.InvalidRequest, result.Failure.Kind);
        Assert.Equal(400, result.Failure.StatusCode);
        Assert.Equal("Profile not found: preflight_does_not_exist", result.Failure.Message);
        Assert.Equal("Filecheck refused the request: Profile not found: preflight_does_not_exist", result.Failure.Describe());
    }

    [Fact]
    public async Task CreateJobAsync_NewJob_AppearsInTheListUnderItsOrder()
    {
        var client = Client();
        var fileRef = await Uploaded(client);
        var created = await client.CreateJobAsync(Check(fileRef, "order_6120_again"));
        Assert.True(created.IsSuccess, created.Failure?.ToString());
        Assert.Equal("order_6120_again", created.Value.OrderId);

        var page = await client.ListJobsAsync(100);
        Assert.True(page.IsSuccess, page.Failure?.ToString());
        var listed = Assert.Single(page.Value.Jobs, j => j.OrderId == "order_6120_again");
        Assert.Equal(created.Value.Id, listed.Id);
        Assert.Equal("cust_977", listed.CustomerId);
        Assert.Equal("rule_flyers_a5", listed.RuleId);

        var full = await client.GetJobAsync(JobId.Parse(created.Value.Id));
        Assert.True(full.IsSuccess, full.Failure?.ToString());
        Assert.Equal(WellKnownJobs.Warning, full.Value.MetaData!.Value.GetProperty("checkAgainOf").GetString());
        Assert.Equal(fileRef, full.Value.Tasks![0].FileRef);
        Assert.Equal(["preflight", "autofix", "repreflight", "validate", "previews"], full.Value.Tasks[0].Steps!.Select(s => s.Type));
    }

    [Fact]
    public async Task CreateJobAsync_Under503_IsNotRetried_WhileAGetIs()
    {
        var client = Client();
        var fileRef = await Uploaded(client);
        _server.Requests.Reset();
        _server.Faults.Next(SandboxFault.Unavailable, 3);

        var result = await client.CreateJobAsync(Check(fileRef, "order_not_twice"));

        Assert.False(result.IsSuccess);
        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure.Kind);
        Assert.Equal(1, _server.Requests.Count("/jobs"));

        var upload = await client.CreateUploadAsync(1024);
        Assert.Equal(FilecheckFailureKind.Unavailable, upload.Failure!.Kind);
        Assert.Equal(1, _server.Requests.Count("/uploads"));

        // The same fault on a read is retried: the difference is the method, not the fault.
        var read = await client.GetJobAsync(JobId.Parse(WellKnownJobs.Passing));
        Assert.True(read.IsSuccess, read.Failure?.ToString());
        Assert.Equal(2, _server.Requests.Count("/jobs/" + WellKnownJobs.Passing));
        var page = await client.ListJobsAsync(100);
        Assert.DoesNotContain(page.Value!.Jobs, j => j.OrderId == "order_not_twice");
    }

    [Theory]
    [InlineData("both")]
    [InlineData("neither")]
    [InlineData("badcode")]
    [InlineData("badtype")]
    [InlineData("nosteps")]
    public async Task CreateJobAsync_InvalidInput_RefusedBeforeAnythingIsSent(string what)
    {
        var client = Client();
        var steps = what switch
        {
            "badcode" => [JobStepRequest.Validate("x9")],
            "badtype" => [new JobStepRequest { Type = "proof" }],
            "nosteps" => Array.Empty<JobStepRequest>(),
            _ => [JobStepRequest.Preflight()],
        };
        var request = new CreateJobRequest
        {
            Sources =
            [
                new JobSourceRequest
                {
                    Url = what == "neither" ? null : "https://cdn.example.com/a.pdf",
                    FileRef = what == "both" ? "upload_abc" : null,
                    Steps = steps,
                },
            ],
        };
        var result = await client.CreateJobAsync(request);
        Assert.Equal(FilecheckFailureKind.InvalidRequest, result.Failure!.Kind);
        Assert.Null(result.Failure.StatusCode);
        Assert.Equal(0, _server.Requests.Total);
    }

    /// <summary>A PDF of any length, made as it is read: the test holds none of it in memory.</summary>
    private sealed class GeneratedPdf(long length) : Stream
    {
        private static readonly byte[] Header = "%PDF-1.7\n"u8.ToArray();
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[i] = at < Header.Length ? Header[at] : (byte)('a' + at % 26);
            }
            _position += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Fails the test if anything reads it.</summary>
    private sealed class ThrowingStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the client read a file it should have refused");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The sandbox's clock, moved on by the test.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;
        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
