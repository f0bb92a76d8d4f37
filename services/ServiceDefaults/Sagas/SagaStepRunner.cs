using System.Globalization;
using System.Runtime.CompilerServices;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Messaging;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// Runs one attempt of a step and decides what follows: the continuation on success; a retry at a deadline with backoff
/// after a transient failure until the step's deadline; the failed state with the reason otherwise. Never throws for
/// what the step's call threw, so the message is acknowledged; only cancellation and defects of the machine propagate.
/// </summary>
internal static class SagaStepRunner
{
    /// <summary>Immediate re-runs of a step that met a conflict: the call re-reads what it changes each time.</summary>
    public const int ConflictRetries = 3;

    private static readonly ConditionalWeakTable<IConfiguration, SagaStepRetrySettings> SettingsByConfiguration = new();

    public enum Mode
    {
        /// <summary>Reached through the chain it is bound in.</summary>
        First,

        /// <summary>Its retry deadline passed.</summary>
        Retry,

        /// <summary>A ReplaySaga re-drives it after a failure.</summary>
        Replay,
    }

    public static async Task RunAsync<TInstance>(BehaviorContext<TInstance> context, SagaStepBinding<TInstance> binding, Mode mode)
        where TInstance : class, ISagaStepInstance
    {
        var services = ServicesOf(context);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Mlops.ServiceDefaults.Sagas.SagaSteps") ?? NullLogger.Instance;
        var policy = SagaStepPolicy<TInstance>.Of(context.StateMachine);
        var saga = context.Saga;
        var step = binding.Step;
        var state = (await context.StateMachine.Accessor.Get(context)).Name;
        if (state == context.StateMachine.Initial.Name)
        {
            // Retries and replays are handled in the saga's own states, never in Initial.
            throw new InvalidOperationException(
                $"Step '{step.Name}' of {context.StateMachine.GetType().Name} runs in the Initial state: transition to a state of its own first, " +
                "e.g. Initially(When(Start).TransitionTo(Checking)) and During(Checking, When(Checking.Enter).Step(...)).");
        }
        var now = time.GetUtcNow();

        // A retry deadline of ours may still be pending if the step is reached again another way; it must not fire later.
        var retryPending = mode != Mode.Retry && saga.PendingStep?.NextAttemptAt is not null;
        var progress = saga.PendingStep;
        if (mode != Mode.Retry || progress is null || progress.Step != step.Name || progress.State != state)
            progress = new SagaStepProgress { Step = step.Name, State = state, StartedAt = now };
        progress.Attempts++;
        progress.LastAttemptAt = now;
        progress.NextAttemptAt = null;
        saga.PendingStep = progress;

        var failure = await AttemptAsync(context, step, progress.Attempts, services);
        if (failure is null)
        {
            saga.PendingStep = null;
            if (retryPending)
                context.ClearDeadline();
            if (progress.Attempts > 1)
                logger.LogInformation("Step {Step} of {SagaType} {CorrelationId} succeeded at attempt {Attempt}", step.Name, typeof(TInstance).Name, saga.CorrelationId, progress.Attempts);
            await binding.Continuation.Execute(context);
            return;
        }

        now = time.GetUtcNow();
        string reason;
        if (failure.Kind == OutsideFailureKind.Transient)
        {
            var giveUpAt = progress.StartedAt + step.Deadline;
            if (now < giveUpAt)
            {
                if (!policy.RetryBound)
                {
                    throw new InvalidOperationException(
                        $"{context.StateMachine.GetType().Name} cannot retry step '{step.Name}': bind DuringAny(When(StepRetryDue).RetryPendingStep()) " +
                        $"with an Event<SagaStepRetryDue<{typeof(TInstance).Name}>>.");
                }
                var settings = SettingsOf(services);
                var delay = Jittered(settings.DelayAfter(progress.Attempts), settings.Max);
                var at = Milliseconds(Min(now + delay, giveUpAt));
                progress.NextAttemptAt = at;
                progress.LastReason = failure.Reason;
                context.SetDeadline(at, typeof(SagaStepRetryDue<TInstance>));
                logger.LogInformation(
                    "Step {Step} of {SagaType} {CorrelationId} failed transiently at attempt {Attempt} ({Reason}); trying again at {RetryAt:O}",
                    step.Name, typeof(TInstance).Name, saga.CorrelationId, progress.Attempts, failure.Reason, at);
                return;
            }
            reason = progress.Attempts > 1 ? $"still failing after {Span(now - progress.StartedAt)}: {failure.Reason}" : failure.Reason;
        }
        else if (failure.Kind == OutsideFailureKind.Conflict)
        {
            reason = $"still conflicting after {ConflictRetries} re-reads: {failure.Reason}";
        }
        else
        {
            reason = failure.Reason;
        }

        saga.PendingStep = null;
        if (retryPending)
            context.ClearDeadline();
        var failed = new SagaStepFailure
        {
            Step = step.Name,
            Reason = reason,
            State = progress.State,
            FailedAt = now,
            Attempts = progress.Attempts,
            StatusCode = failure.StatusCode,
            Kind = failure.Kind.ToString(),
        };
        saga.FailedStep = failed;
        logger.LogWarning("Step {Step} of {SagaType} {CorrelationId} failed in state {State} after {Attempts} attempt(s): {Reason}",
            step.Name, typeof(TInstance).Name, saga.CorrelationId, progress.State, progress.Attempts, reason);
        await context.TransitionToState(policy.FailedState);
        if ((step.OnFailed ?? policy.OnFailed) is { } onFailed)
            await onFailed(context, failed);
    }

    /// <summary>The step's call, re-run at once on a conflict; null on success, else the classified failure.</summary>
    private static async Task<OutsideFailure?> AttemptAsync<TInstance>(BehaviorContext<TInstance> context, SagaStep<TInstance> step, int attempt,
        IServiceProvider services)
        where TInstance : class, ISagaStepInstance
    {
        for (var conflicts = 0; ; conflicts++)
        {
            try
            {
                await step.Run(new SagaStepContext<TInstance>(context.Saga, step.Name, attempt, services, context.CancellationToken));
                return null;
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The service is stopping: the message goes back to the queue and the step runs again after the restart.
                throw;
            }
            catch (Exception ex)
            {
                var failure = TransientErrors.Classify(ex);
                if (failure.Kind == OutsideFailureKind.Conflict && conflicts < ConflictRetries)
                    continue;
                return failure;
            }
        }
    }

    public static IServiceProvider ServicesOf(ConsumeContext context)
    {
        if (context.TryGetPayload<IServiceProvider>(out var provider))
            return provider;
        if (context.TryGetPayload<IServiceScope>(out var scope))
            return scope.ServiceProvider;
        throw new InvalidOperationException("Saga steps need the message's service scope: register the saga in AddMassTransit (AddServiceDefaults).");
    }

    private static SagaStepRetrySettings SettingsOf(IServiceProvider services)
    {
        if (services.GetService<SagaStepRetrySettings>() is { } registered)
            return registered;
        return services.GetService<IConfiguration>() is { } configuration
            ? SettingsByConfiguration.GetValue(configuration, SagaStepRetrySettings.Read)
            : SagaStepRetrySettings.Default;
    }

    // Up to a fifth more, so sagas that met the same outage do not all come back at the same instant.
    private static TimeSpan Jittered(TimeSpan delay, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * (1 + (Random.Shared.NextDouble() * 0.2))), Math.Max(max.Ticks, delay.Ticks)));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // Stores keep milliseconds; the pending time must equal the DeadlineAt the sweeper hands back.
    private static DateTimeOffset Milliseconds(DateTimeOffset at) =>
        DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    /// <summary>A duration as people say it: 800 ms, 45 s, 1 min 5 s, 10 min, 2 h 5 min.</summary>
    internal static string Span(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
            return $"{Math.Max(0, (int)span.TotalMilliseconds)} ms";
        if (span < TimeSpan.FromMinutes(1))
            return $"{(int)span.TotalSeconds} s";
        if (span < TimeSpan.FromHours(1))
            return span.Seconds == 0 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalMinutes} min {span.Seconds} s";
        return span.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min");
    }
}
