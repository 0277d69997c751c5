using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Filecheck.Api;

public static class FilecheckServiceCollectionExtensions
{
    /// <summary>The name of the interactive HttpClient (people waiting on a page) and of its resilience pipeline.</summary>
    public const string HttpClientName = "filecheck";

    /// <summary>
    /// The name of the background HttpClient (the history sync, webhook intake) and of its own pipeline, and the service
    /// key of its <see cref="IFilecheckClient"/>: its failures and 429s open its own breaker, never the one staff use.
    /// </summary>
    public const string BackgroundClientName = "filecheck-background";

    /// <summary>
    /// The name of the public HttpClient (what anonymous share links cause), its own pipeline and the service key of its
    /// <see cref="IFilecheckClient"/>: no retries (each call is one the share budget counted), its own breaker.
    /// </summary>
    public const string PublicClientName = "filecheck-public";

    /// <summary>
    /// Registers <see cref="IFilecheckClient"/> with options bound from the <c>Filecheck</c> section of
    /// <paramref name="configuration"/> (the root configuration, or that section itself), validated at start.
    /// </summary>
    public static IHttpClientBuilder AddFilecheckClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: FilecheckOptions.SectionName } own
            ? own
            : configuration.GetSection(FilecheckOptions.SectionName);
        return services.AddFilecheckClientCore(builder => builder.Bind(section));
    }

    /// <summary>
    /// Registers <see cref="IFilecheckClient"/> with options set in code, e.g. for the in-process sandbox. The
    /// BaseUrl and ApiKey may also be supplied later with <c>PostConfigure&lt;FilecheckOptions&gt;</c>: both are read
    /// when a client is created, not at registration.
    /// </summary>
    public static IHttpClientBuilder AddFilecheckClient(this IServiceCollection services, Action<FilecheckOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddFilecheckClientCore(builder => builder.Configure(configure));
    }

    private static IHttpClientBuilder AddFilecheckClientCore(this IServiceCollection services, Action<OptionsBuilder<FilecheckOptions>> configure)
    {
        var options = services.AddOptions<FilecheckOptions>();
        configure(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FilecheckOptions>, FilecheckOptionsValidator>());
        services.TryAddTransient<ApiKeyHandler>();
        // Uploads go to a presigned host: no API key, no resilience pipeline (never retried; its timeouts would cut a big file).
        services.AddHttpClient(FilecheckClient.UploadHttpClientName, http => http.Timeout = FilecheckClient.UploadTimeout)
            .RedactLoggedHeaders(_ => true);

        var client = Configure(services.AddHttpClient<IFilecheckClient, FilecheckClient>(HttpClientName), FilecheckTraffic.Interactive);
        Configure(services.AddHttpClient(BackgroundClientName), FilecheckTraffic.Background);
        services.TryAddKeyedTransient<IFilecheckClient>(BackgroundClientName, static (sp, _) =>
            ActivatorUtilities.CreateInstance<FilecheckClient>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(BackgroundClientName)));
        Configure(services.AddHttpClient(PublicClientName), FilecheckTraffic.Public);
        services.TryAddKeyedTransient<IFilecheckClient>(PublicClientName, static (sp, _) =>
            ActivatorUtilities.CreateInstance<FilecheckClient>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(PublicClientName)));
        return client;
    }

    private static IHttpClientBuilder Configure(IHttpClientBuilder client, FilecheckTraffic traffic)
    {
        client
            .ConfigureHttpClient((sp, http) =>
            {
                var current = sp.GetRequiredService<IOptionsMonitor<FilecheckOptions>>().CurrentValue;
                if (current.BaseUrl is { IsAbsoluteUri: true } baseUrl)
                {
                    http.BaseAddress = baseUrl.AbsolutePath.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
                }

                // The resilience pipeline owns the timeouts; this is only a backstop that also covers reading the body.
                http.Timeout = current.TotalTimeout + TimeSpan.FromSeconds(2);
                http.MaxResponseContentBufferSize = 64L * 1024 * 1024;
            })
            // Header values (Authorization above all) never reach the HttpClient's logs.
            .RedactLoggedHeaders(_ => true)
            .AddHttpMessageHandler<ApiKeyHandler>();

        client.AddResilienceHandler(client.Name, (pipeline, context) =>
        {
            context.EnableReloads<FilecheckOptions>();
            var settings = context.ServiceProvider.GetRequiredService<IOptionsMonitor<FilecheckOptions>>().CurrentValue;
            var time = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            FilecheckResilience.Configure(pipeline, settings, time, traffic);
        });
        return client;
    }
}

/// <summary>Whose requests a pipeline carries: each kind has its own pipeline and circuit breaker.</summary>
public enum FilecheckTraffic
{
    /// <summary>A person waits on the answer (lookups, the job page, live watchers, proofs).</summary>
    Interactive,

    /// <summary>Nobody waits (the history sync, webhook intake): it may back off for as long as it needs.</summary>
    Background,

    /// <summary>Anonymous visitors cause it (the public share page): never retried, and a 429 opens its own breaker.</summary>
    Public,
}

/// <summary>The Filecheck resilience pipeline: total timeout, retry (GET/HEAD only), circuit breaker, per-try timeout.</summary>
public static class FilecheckResilience
{
    /// <summary>The longest Retry-After the client will wait out; a longer one is reported as RateLimited instead.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, FilecheckOptions options, TimeProvider time,
        FilecheckTraffic traffic = FilecheckTraffic.Interactive)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;

        // A wait that would not fit in the call's budget is pointless: hand the 429 back with its Retry-After.
        var honourUpTo = Min(MaxRetryAfter, options.TotalTimeout - options.Timeout);

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalTimeout });

        // Polly requires at least one attempt; MaxRetries = 0 means "no retry strategy at all". Public calls are never
        // retried: each is one call the share budget counted, so a retry would multiply what a link can cost.
        if (options.MaxRetries > 0 && traffic != FilecheckTraffic.Public)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(8),
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, honourUpTo, time)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response && FilecheckClient.RetryAfterOf(response, time) is { } wait
                        ? (TimeSpan?)Min(wait, MaxRetryAfter)
                        : null),
            });
        }

        pipeline
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "circuit-breaker",
                FailureRatio = 0.5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                MinimumThroughput = 10,
                BreakDuration = TimeSpan.FromSeconds(15),
                ShouldHandle = args => ValueTask.FromResult(BreaksCircuit(args.Outcome, traffic)),
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.Timeout });
    }

    /// <summary>
    /// What counts as a failure for the circuit breaker: network errors, timeouts, 5xx and 408. A 429 is Filecheck's own
    /// back-pressure and comes with its Retry-After: it counts for the background (the sync backs off as a whole) and the
    /// public share traffic, never for people, whose breaker must stay closed while the sync is being throttled.
    /// </summary>
    internal static bool BreaksCircuit(Outcome<HttpResponseMessage> outcome, FilecheckTraffic traffic)
    {
        if (outcome.Exception is { } exception) return exception is HttpRequestException or TimeoutRejectedException;
        if (outcome.Result is not { } response) return false;
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests) return traffic != FilecheckTraffic.Interactive;
        return status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout;
    }

    /// <summary>GET and HEAD only (the API has no idempotency keys); 429/502/503/504, network errors and per-try timeouts.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan honourUpTo, TimeProvider time)
    {
        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        if (request is null || (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head))
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => FilecheckClient.RetryAfterOf(response, time) is not { } wait || wait <= honourUpTo,
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => true,
            _ => false,
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
