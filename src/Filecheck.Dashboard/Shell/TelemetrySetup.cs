using Filecheck.Api;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// OpenTelemetry: off unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (then OTLP, with the standard <c>OTEL_*</c>
/// settings). Traces of requests, of the Filecheck client and the proof relay (HttpClient) and of the store (Npgsql, or
/// <see cref="StoreSource"/> for SQLite);
/// metrics of <see cref="DashboardMetrics"/>, the resilience pipelines (Polly: open circuits), ASP.NET Core and HttpClient.
/// No span carries a query string (signatures live there), a share token or the API key (a header, never recorded).
/// </summary>
public static class TelemetrySetup
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The activity source of the SQLite commands' spans (Data's StoreTracing).</summary>
    public const string StoreSource = "Filecheck.Dashboard.Store";

    /// <param name="exporters">More exporters (a test's in-memory ones); they also turn telemetry on.</param>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, Action<IOpenTelemetryBuilder>? exporters = null)
    {
        var services = builder.Services;
        services.TryAddSingleton<DashboardMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CircuitCounter>());
        // Each request to Filecheck (each try, after the resilience pipeline), counted by outcome.
        foreach (var name in new[] { FilecheckServiceCollectionExtensions.HttpClientName, FilecheckServiceCollectionExtensions.BackgroundClientName, FilecheckServiceCollectionExtensions.PublicClientName })
        {
            services.AddHttpClient(name).AddHttpMessageHandler(sp => new UpstreamCallCounter(sp.GetRequiredService<DashboardMetrics>(), name));
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]);
        if (!otlp && exporters is null) return builder;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("Filecheck.Dashboard"))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.EnrichWithHttpRequest = (activity, request) =>
                    {
                        activity.SetTag("url.query", null);
                        if (request.Path.StartsWithSegments("/s")) activity.SetTag("url.path", "/s/{token}");
                    };
                })
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
                {
                    if (request.RequestUri is { } uri) activity.SetTag("url.full", WithoutQuery(uri));
                })
                .AddNpgsql()
                .AddSource(StoreSource))
            .WithMetrics(m => m
                .AddMeter(DashboardMetrics.MeterName, "Polly")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (otlp) telemetry.UseOtlpExporter();
        exporters?.Invoke(telemetry);
        return builder;
    }

    /// <summary>The address without its query and fragment, where a presigned URL keeps its signature.</summary>
    internal static string WithoutQuery(Uri uri) => uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?', '#')[0];

    private sealed class UpstreamCallCounter(DashboardMetrics metrics, string client) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                metrics.UpstreamCall(client, Outcome((int)response.StatusCode));
                return response;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                metrics.UpstreamCall(client, e is OperationCanceledException ? "timeout" : "network");
                throw;
            }
        }

        private static string Outcome(int status) => status switch
        {
            < 300 => "ok",
            404 => "not_found",
            429 => "rate_limited",
            < 500 => "client_error",
            _ => "server_error",
        };
    }

    private sealed class CircuitCounter(DashboardMetrics metrics) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            metrics.CircuitOpened();
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            metrics.CircuitClosed();
            return Task.CompletedTask;
        }
    }
}
