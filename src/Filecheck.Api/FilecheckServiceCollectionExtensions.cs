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
    /// <summary>The name of the HttpClient and of its resilience pipeline.</summary>
    public const string HttpClientName = "filecheck";

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

        var client = services
            .AddHttpClient<IFilecheckClient, FilecheckClient>(HttpClientName)
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

        client.AddResilienceHandler(HttpClientName, static (pipeline, context) =>
        {
            context.EnableReloads<FilecheckOptions>();
            var settings = context.ServiceProvider.GetRequiredService<IOptionsMonitor<FilecheckOptions>>().CurrentValue;
            var time = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            FilecheckResilience.Configure(pipeline, settings, time);
        });

        return client;
    }
}

/// <summary>The Filecheck resilience pipeline: total timeout, retry (GET/HEAD only), circuit breaker, per-try timeout.</summary>
public static class FilecheckResilience
{
    /// <summary>The longest Retry-After the client will wait out; a longer one is reported as RateLimited instead.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, FilecheckOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;

        // A wait that would not fit in the call's budget is pointless: hand the 429 back with its Retry-After.
        var honourUpTo = Min(MaxRetryAfter, options.TotalTimeout - options.Timeout);

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalTimeout });

        // Polly requires at least one attempt; MaxRetries = 0 means "no retry strategy at all".
        if (options.MaxRetries > 0)
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
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.Timeout });
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
