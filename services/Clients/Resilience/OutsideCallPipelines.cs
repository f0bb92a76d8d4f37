using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using OpenTelemetry.Metrics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Mlops.Clients.Resilience;

/// <summary>
/// Registers the resilience pipeline of one outside system: overall timeout, then bounded exponential retry with jitter
/// (honouring <c>Retry-After</c>), then the system's circuit breaker, then the per-attempt timeout. Exceptions of the
/// official clients pass through unchanged, so the shared transient-error rule classifies them by status.
/// </summary>
public static class OutsideCallPipelines
{
    /// <summary>Key of the pipeline that skips the circuit breaker (calls whose failure says nothing of the system's health).</summary>
    public static string WithoutBreaker(string system) => system + "-without-breaker";

    /// <summary>Adds the pipelines <paramref name="system"/> and <see cref="WithoutBreaker"/> and exports their state.</summary>
    /// <param name="repeatable">
    /// Whether a request may be sent again after an answer that leaves open whether it was done (a timeout, a dropped
    /// connection, a 500): false for creates that make a new object each time. Those are retried only when the answer
    /// proves nothing was done (<see cref="TransientOutcome.WasRefused"/>). Null: every request is repeatable.
    /// </param>
    public static IServiceCollection AddOutsideCallPipelines(
        this IServiceCollection services, string system, Func<IServiceProvider, (TimeSpan AttemptTimeout, ResilienceSettings Settings)> settings,
        Func<HttpRequestMessage, bool>? repeatable = null)
    {
        services.AddMetrics();
        services.TryAddSingleton<CircuitStateGauge>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddResiliencePipeline<string, HttpResponseMessage>(system, (pipeline, context) =>
        {
            var (attemptTimeout, resilience) = settings(context.ServiceProvider);
            var gauge = context.ServiceProvider.GetRequiredService<CircuitStateGauge>();
            Build(pipeline, attemptTimeout, resilience, context.ServiceProvider.GetRequiredService<TimeProvider>(), gauge.For(system), repeatable);
        });
        services.AddResiliencePipeline<string, HttpResponseMessage>(WithoutBreaker(system), (pipeline, context) =>
        {
            var (attemptTimeout, resilience) = settings(context.ServiceProvider);
            Build(pipeline, attemptTimeout, resilience, context.ServiceProvider.GetRequiredService<TimeProvider>(), breaker: null, repeatable);
        });
        // The gauge exists from the first scrape, before any call was made; Polly's own meter adds retry and breaker events.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            provider.GetRequiredService<CircuitStateGauge>().For(system);
            metrics.AddMeter(CircuitStateGauge.MeterName, "Polly");
        });
        return services;
    }

    /// <summary>The handler that runs an HTTP client's requests through the pipeline of <paramref name="system"/>.</summary>
    public static ResilienceHandler Handler(IServiceProvider services, string system) =>
        new(services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline<HttpResponseMessage>(system));

    internal static void Build(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeSpan attemptTimeout, ResilienceSettings settings,
        TimeProvider time, CircuitBreakerStateProvider? breaker, Func<HttpRequestMessage, bool>? repeatable = null)
    {
        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "total", Timeout = settings.TotalTimeout });
        if (settings.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(TransientOutcome.IsTransient(args.Outcome)
                    && (repeatable is null || args.Context.GetRequestMessage() is not { } request || repeatable(request) || TransientOutcome.WasRefused(args.Outcome))),
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryDelay,
                MaxDelay = settings.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfterDelay.Of(args.Outcome.Result, time, settings.MaxRetryDelay)),
            });
        }
        if (breaker is not null)
        {
            pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(TransientOutcome.IsTransient(args.Outcome)),
                FailureRatio = settings.FailureRatio,
                SamplingDuration = settings.SamplingDuration,
                MinimumThroughput = settings.MinimumThroughput,
                BreakDuration = settings.BreakDuration,
                StateProvider = breaker,
            });
        }
        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "attempt", Timeout = attemptTimeout });
    }
}
