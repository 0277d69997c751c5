using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Filecheck.Api.Tests;

internal static class Fixtures
{
    /// <summary>The vendor's fixtures, copied from the repository's spec/filecheck/ beside the test assembly.</summary>
    public static string Directory { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "spec", "filecheck", "fixtures");

    public static string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));
}

/// <summary>Answers every request with a canned response and records what was sent.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public static StubHandler Returning(HttpStatusCode status, string body, string mediaType = "application/json",
        Action<HttpResponseMessage>? tweak = null) =>
        new(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            tweak?.Invoke(response);
            return response;
        });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        var response = respond(request);
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}

internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

internal static class StubClient
{
    public const string Key = "sk_test_neverleak_123";

    /// <summary>The client alone over a stub handler: a unit test of its mapping, without the resilience pipeline.</summary>
    public static FilecheckClient Over(StubHandler handler, string apiKey = Key) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("https://api.filecheck.test/v1") },
            NullLogger<FilecheckClient>.Instance,
            new StaticOptionsMonitor<FilecheckOptions>(new FilecheckOptions { BaseUrl = new Uri("https://api.filecheck.test/v1/"), ApiKey = apiKey }));
}
