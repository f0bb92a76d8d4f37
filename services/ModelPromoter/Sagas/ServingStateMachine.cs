using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;
using Mlops.ModelPromoter.Watchers;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A model's serving: one attempt at a time (prepare → deploy → wait for the rollout → smoke check → alias), requests that
/// arrive meanwhile queued (the newest wins; an automatic trigger for an older version never replaces a newer one), a
/// failure rolled back to what served before (or the first deployment removed) with the alias left alone, and the next
/// request taken at once. Every attempt ends with <see cref="ServingAttemptFinished"/> to its promotion and a ledger line.
/// See docs/model-promoter-serving.md.
/// </summary>
public sealed class ServingStateMachine : MassTransitStateMachine<ServingState>
{
    private const string RefusalPrefix = nameof(ServingRefusedException) + ": ";

    private readonly ServingOptions _options;
    private readonly RolloutDurations _durations;
    private readonly ILogger<ServingStateMachine> _logger;

    public ServingStateMachine(IOptions<ServingOptions> options, RolloutDurations durations, ILogger<ServingStateMachine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _durations = durations;
        _logger = logger;

        InstanceState(x => x.CurrentState);
        Event(() => Serve, x => x.CorrelateById(m => ServingSagaIds.ForModel(m.Message.ModelName)));
        Event(() => Retire, x => x.CorrelateById(m => ServingSagaIds.ForModel(m.Message.ModelName)));
        Event(() => Rollback, x =>
        {
            x.CorrelateById(m => ServingSagaIds.ForModel(m.Message.ModelName));
            x.OnMissingInstance(m => m.ExecuteAsync(RollbackOfUnknownModelAsync));
        });
        Event(() => Observed, x => x.OnMissingInstance(m => m.Discard()));
        Event(() => WaitTimedOut, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => StepRetryDue, x => x.OnMissingInstance(m => m.Discard()));
        Event(() => Cancel, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Replay, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        // Duplicates and late reports are normal: a message the current state does not take changes nothing.
        OnUnhandledEvent(x => x.Ignore());

        var prepare = new SagaStep<ServingState>(PrepareStep, ServingSteps.PrepareAsync);
        var deploy = new SagaStep<ServingState>("deploy", ServingSteps.DeployAsync);
        var smokeCheck = new SagaStep<ServingState>("smoke-check", ServingSteps.SmokeCheckAsync) { Deadline = _options.SmokeCheckDeadline };
        var setAlias = new SagaStep<ServingState>("set-alias", ServingSteps.SetAliasAsync);
        var rollBack = new SagaStep<ServingState>(RollBackStep, ServingSteps.RollBackAsync);
        var retire = new SagaStep<ServingState>(RetireStep, ServingSteps.RetireAsync);

        this.UseSagaSteps(Failed, OnStepFailedAsync);

        Initially(
            When(Serve)
                .Then(context => context.Saga.ModelName = context.Message.ModelName)
                .ThenAsync(context => AdmitAsync(context, ServingRequest.From(context.Message, DateTimeOffset.UtcNow))),
            When(Retire)
                .Then(context => context.Saga.ModelName = context.Message.ModelName)
                .ThenAsync(context => StartRetiringAsync(context, RetireRequestOf(context.Message))));

        During(Serving, Failed, Retired,
            When(Serve).ThenAsync(context => AdmitAsync(context, ServingRequest.From(context.Message, DateTimeOffset.UtcNow))),
            When(Retire).ThenAsync(context => StartRetiringAsync(context, RetireRequestOf(context.Message))));
        During(new[] { Preparing, Deploying, RollingOut, SmokeChecking, Aliasing, RollingBack, RestoringRollout, Retiring },
            When(Serve).ThenAsync(context => EnqueueAsync(context, ServingRequest.From(context.Message, DateTimeOffset.UtcNow))),
            When(Retire).ThenAsync(context => EnqueueRetireAsync(context, RetireRequestOf(context.Message))));

        During(new[] { Preparing, Deploying, RollingOut, SmokeChecking, Aliasing },
            When(Cancel, context => SagaStepExtensions.IsSagaType<ServingState>(context.Message.SagaType)).ThenAsync(CancelAttemptAsync));

        During(Preparing,
            When(Preparing.Enter).Step(prepare, then => then.TransitionTo(Deploying)));
        During(Deploying,
            When(Deploying.Enter).Step(deploy, then => then.ThenAsync(AfterDeployAsync)));
        During(RollingOut,
            When(Observed).ThenAsync(OnRolloutObservedAsync),
            When(WaitTimedOut).ThenAsync(OnRolloutTimedOutAsync));
        During(SmokeChecking,
            When(SmokeChecking.Enter).Step(smokeCheck, then => then.TransitionTo(Aliasing)));
        During(Aliasing,
            When(Aliasing.Enter).Step(setAlias, then => then.ThenAsync(FinishServedAsync)));
        During(RollingBack,
            When(RollingBack.Enter).Step(rollBack, then => then.ThenAsync(AfterRollbackAsync)));
        During(RestoringRollout,
            When(Observed).ThenAsync(OnRollbackObservedAsync),
            When(WaitTimedOut).ThenAsync(OnRollbackTimedOutAsync));
        During(Retiring,
            When(Retiring.Enter).Step(retire, then => then.ThenAsync(FinishRetiredAsync)));

        DuringAny(
            When(Rollback).ThenAsync(RollbackAsync),
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());
    }

    /// <summary>The first step of an attempt, where a replay of a failed attempt starts it again.</summary>
    public const string PrepareStep = "prepare";

    public const string RollBackStep = "roll-back";

    public const string RetireStep = "retire";

    /// <summary>A version serves (or none, after a first attempt failed and was removed) and nothing is in progress.</summary>
    public State Serving { get; private set; } = null!;
    public State Preparing { get; private set; } = null!;
    public State Deploying { get; private set; } = null!;
    public State RollingOut { get; private set; } = null!;
    public State SmokeChecking { get; private set; } = null!;
    public State Aliasing { get; private set; } = null!;
    public State RollingBack { get; private set; } = null!;
    public State RestoringRollout { get; private set; } = null!;
    public State Retiring { get; private set; } = null!;
    public State Retired { get; private set; } = null!;

    /// <summary>The last attempt failed (what served before still serves); a replay serves the same request again.</summary>
    public State Failed { get; private set; } = null!;

    public Event<ServeModelVersion> Serve { get; private set; } = null!;
    public Event<RollbackModel> Rollback { get; private set; } = null!;
    public Event<RetireModel> Retire { get; private set; } = null!;
    public Event<DeploymentRolloutObserved> Observed { get; private set; } = null!;
    public Event<ServingWaitTimedOut> WaitTimedOut { get; private set; } = null!;
    public Event<SagaStepRetryDue<ServingState>> StepRetryDue { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;
    public Event<CancelSaga> Cancel { get; private set; } = null!;

    /// <summary>The version that served successfully last before the one serving now (the ledger's answer for a rollback).</summary>
    public static string? LastGoodBefore(ServingState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var current = saga.Served?.Version;
        return saga.Ledger.AsEnumerable().Reverse()
            .FirstOrDefault(e => e.Outcome == ServingLedgerEntry.Served && e.Version is not null && e.Version != current)?.Version;
    }

    /// <summary>MLflow version numbers compared as numbers.</summary>
    public static int CompareVersions(string a, string b) =>
        long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);

    // A request in a resting state: answered at once when there is nothing to do, else its attempt starts.
    private async Task AdmitAsync(BehaviorContext<ServingState> context, ServingRequest request)
    {
        var saga = context.Saga;
        if (saga.Served is { } served)
        {
            if (request.PromotionId == served.PromotionId || (!request.Deliberate && request.Version == served.Version && request.Alias == served.Alias))
            {
                await AnswerAsync(context, request, ServingOutcome.Served, null);
                return;
            }
            if (!request.Deliberate && CompareVersions(request.Version, served.Version) < 0)
            {
                await SupersedeAsync(context, request, $"version {served.Version} serves; an automatic trigger never replaces a newer version");
                return;
            }
        }
        saga.Attempt = new ServingAttempt { Request = request, StartedAt = DateTimeOffset.UtcNow };
        saga.FlowId = request.FlowId;
        saga.FailedStep = null;
        saga.PendingStep = null;
        _logger.LogInformation("Serving {Model} version {Version} for promotion {PromotionId} ({Trigger})", saga.ModelName, request.Version, request.PromotionId, request.Trigger);
        await context.TransitionToState(Preparing);
    }

    // A request while an attempt runs: it waits as the next one, replacing (superseding) one that waited before it.
    private async Task EnqueueAsync(BehaviorContext<ServingState> context, ServingRequest request)
    {
        var saga = context.Saga;
        var running = saga.Attempt?.Request;
        if (running?.PromotionId == request.PromotionId || saga.Next?.PromotionId == request.PromotionId)
            return;
        if (!request.Deliberate)
        {
            var newest = new[] { saga.Served?.Version, running?.Version, saga.Next?.Version }.OfType<string>()
                .OrderByDescending(v => v, Comparer<string>.Create(CompareVersions)).FirstOrDefault();
            if (newest is not null && CompareVersions(request.Version, newest) < 0)
            {
                await SupersedeAsync(context, request, $"version {newest} is newer; an automatic trigger never replaces a newer version");
                return;
            }
            if (running is not null && running.Version == request.Version && running.Alias == request.Alias)
            {
                await SupersedeAsync(context, request, $"version {request.Version} is being served already, for promotion {running.PromotionId}");
                return;
            }
        }
        if (saga.Next is { } waiting)
            await SupersedeAsync(context, waiting, $"a later request (version {request.Version}, promotion {request.PromotionId}) came before its turn");
        if (saga.NextRetire is not null)
            _logger.LogInformation("The retirement of {Model} that waited is dropped: version {Version} was asked to serve after it", saga.ModelName, request.Version);
        saga.NextRetire = null;
        saga.Next = request;
    }

    private async Task EnqueueRetireAsync(BehaviorContext<ServingState, RetireModel> context, RetireRequest retire)
    {
        var saga = context.Saga;
        if (await Accessor.Get(context) == Retiring)
            return;
        if (saga.Next is { } waiting)
            await SupersedeAsync(context, waiting, $"the model is being retired (asked by {retire.RequestedBy})");
        saga.Next = null;
        saga.NextRetire = retire;
    }

    private async Task StartRetiringAsync(BehaviorContext<ServingState> context, RetireRequest retire)
    {
        var saga = context.Saga;
        saga.Retiring = retire;
        saga.FlowId = retire.FlowId;
        saga.Attempt = null;
        saga.FailedStep = null;
        saga.PendingStep = null;
        _logger.LogInformation("Retiring {Model}, asked by {RequestedBy}", saga.ModelName, retire.RequestedBy);
        await context.TransitionToState(Retiring);
    }

    private async Task AfterDeployAsync(BehaviorContext<ServingState> context)
    {
        var attempt = context.Saga.Attempt!;
        var plan = attempt.Plan!;
        await context.Publish(new ServingRolloutStarted
        {
            FlowId = attempt.Request.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = plan.ModelName,
            Version = plan.Version,
            Namespace = plan.Namespace,
            DeploymentName = attempt.Placement!.Name,
        });
        if (attempt.RolledOutWhenDeployed)
        {
            attempt.Progress = "the Deployment already ran this template, rolled out";
            await context.TransitionToState(SmokeChecking);
            return;
        }
        await context.TransitionToState(RollingOut);
        Wait(context, attempt, _options.RolloutDeadlineFor(plan.ProgressDeadlineSeconds));
    }

    private async Task OnRolloutObservedAsync(BehaviorContext<ServingState, DeploymentRolloutObserved> context)
    {
        var attempt = context.Saga.Attempt!;
        var seen = context.Message;
        if (seen.Uid != attempt.DeploymentUid)
            return;
        if (seen.Status == RolloutStatus.Deleted)
        {
            await RollBackAsync(context, attempt, "rollout", $"Deployment {seen.Namespace}/{seen.DeploymentName} was deleted during the rollout", diagnose: false);
            return;
        }
        if (seen.ObservedGeneration < attempt.DeploymentGeneration)
        {
            attempt.Progress = seen.Message;
            return;
        }
        switch (seen.Status)
        {
            case RolloutStatus.Complete:
                context.ClearDeadline();
                attempt.WaitDeadlineAt = null;
                attempt.Progress = seen.Message;
                await context.TransitionToState(SmokeChecking);
                break;
            case RolloutStatus.Failed:
                await RollBackAsync(context, attempt, "rollout", $"the model server did not roll out: {seen.Message}", diagnose: true);
                break;
            default:
                attempt.Progress = seen.Message;
                break;
        }
    }

    private async Task OnRolloutTimedOutAsync(BehaviorContext<ServingState, ServingWaitTimedOut> context)
    {
        var attempt = context.Saga.Attempt!;
        if (IsStale(context.Message, attempt))
            return;
        var waited = _options.RolloutDeadlineFor(attempt.Plan!.ProgressDeadlineSeconds);
        await RollBackAsync(context, attempt, "rollout-deadline",
            $"no rollout verdict within {waited}; last seen: {attempt.Progress ?? $"nothing from the rollout watcher (can the promoter list and watch Deployments in {attempt.Plan.Namespace}?)"}",
            diagnose: true);
    }

    private async Task RollBackAsync(BehaviorContext<ServingState> context, ServingAttempt attempt, string failedIn, string reason, bool diagnose)
    {
        context.ClearDeadline();
        attempt.WaitDeadlineAt = null;
        attempt.FailedIn = failedIn;
        attempt.FailureReason = reason;
        attempt.DiagnosePods = diagnose;
        await context.TransitionToState(RollingBack);
    }

    // CancelSaga stops the attempt in progress as a failure would: what it changed is undone, the waiting request is dropped.
    private async Task CancelAttemptAsync(BehaviorContext<ServingState, CancelSaga> context)
    {
        var saga = context.Saga;
        var attempt = saga.Attempt!;
        var cancel = context.Message;
        saga.PendingStep = null;
        if (saga.Next is { } waiting)
            await SupersedeAsync(context, waiting, $"the serving saga was cancelled by {cancel.RequestedBy}");
        saga.Next = null;
        var reason = cancel.Reason is { Length: > 0 } why ? $"cancelled by {cancel.RequestedBy}: {why}" : $"cancelled by {cancel.RequestedBy}";
        _logger.LogInformation("Serving {Model} version {Version} is {Reason}", saga.ModelName, attempt.Request.Version, reason);
        if (attempt.ChangedCluster)
        {
            await RollBackAsync(context, attempt, "cancel", reason, diagnose: false);
            return;
        }
        context.ClearDeadline();
        attempt.FailedIn = "cancel";
        attempt.FailureReason = reason;
        await FinishFailedAsync(context);
    }

    private async Task AfterRollbackAsync(BehaviorContext<ServingState> context)
    {
        var attempt = context.Saga.Attempt!;
        if (attempt.RollbackGeneration is null)
        {
            await FinishFailedAsync(context);
            return;
        }
        await context.TransitionToState(RestoringRollout);
        Wait(context, attempt, _options.RolloutDeadlineFor(attempt.Plan?.ProgressDeadlineSeconds ?? 600));
    }

    private async Task OnRollbackObservedAsync(BehaviorContext<ServingState, DeploymentRolloutObserved> context)
    {
        var attempt = context.Saga.Attempt!;
        var seen = context.Message;
        if (seen.Uid != attempt.RollbackUid)
            return;
        if (seen.Status != RolloutStatus.Deleted && seen.ObservedGeneration < attempt.RollbackGeneration)
            return;
        switch (seen.Status)
        {
            case RolloutStatus.Complete:
                break;
            case RolloutStatus.Failed:
                attempt.RollbackFailure = $"the restored template did not roll out either: {seen.Message}";
                break;
            case RolloutStatus.Deleted:
                attempt.RollbackFailure = $"Deployment {seen.Namespace}/{seen.DeploymentName} was deleted during the rollback";
                break;
            default:
                attempt.Progress = seen.Message;
                return;
        }
        context.ClearDeadline();
        attempt.WaitDeadlineAt = null;
        await FinishFailedAsync(context);
    }

    private async Task OnRollbackTimedOutAsync(BehaviorContext<ServingState, ServingWaitTimedOut> context)
    {
        var attempt = context.Saga.Attempt!;
        if (IsStale(context.Message, attempt))
            return;
        attempt.WaitDeadlineAt = null;
        attempt.RollbackFailure = $"the restored template did not roll out in time; last seen: {attempt.Progress ?? "nothing from the rollout watcher"}";
        await FinishFailedAsync(context);
    }

    // A step failed for good: undo what the attempt changed, or end it at once when it changed nothing.
    private async Task OnStepFailedAsync(BehaviorContext<ServingState> context, SagaStepFailure failure)
    {
        var saga = context.Saga;
        var reason = failure.Reason.StartsWith(RefusalPrefix, StringComparison.Ordinal) ? failure.Reason[RefusalPrefix.Length..] : failure.Reason;
        failure.Reason = reason;
        if (failure.Step == RetireStep)
        {
            var retire = saga.Retiring;
            AddToLedger(saga, new ServingLedgerEntry
            {
                Version = saga.Served?.Version, Alias = saga.Served?.Alias, Outcome = ServingLedgerEntry.Failed,
                Reason = $"retiring failed: {reason}", StartedAt = retire?.RequestedAt, At = DateTimeOffset.UtcNow,
            });
            await TakeNextAsync(context);
            return;
        }
        var attempt = saga.Attempt!;
        if (failure.Step == RollBackStep)
        {
            attempt.RollbackFailure = reason;
            await FinishFailedAsync(context);
            return;
        }
        attempt.FailedIn = failure.Step;
        attempt.FailureReason = reason;
        if (attempt.ChangedCluster)
            await context.TransitionToState(RollingBack);
        else
            await FinishFailedAsync(context);
    }

    private async Task FinishServedAsync(BehaviorContext<ServingState> context)
    {
        var saga = context.Saga;
        var attempt = saga.Attempt!;
        var plan = attempt.Plan!;
        var placement = attempt.Placement!;
        var request = attempt.Request;
        var now = DateTimeOffset.UtcNow;
        saga.Served = new ServedVersion
        {
            Version = plan.Version,
            Alias = request.Alias,
            PromotionId = request.PromotionId,
            FlowId = request.FlowId,
            Namespace = placement.Namespace,
            DeploymentName = placement.Name,
            Image = plan.Image,
            TemplateJson = attempt.TemplateJson!,
            TemplateHash = attempt.TemplateHash!,
            Replicas = plan.Replicas,
            Since = now,
        };
        AddToLedger(saga, new ServingLedgerEntry
        {
            Version = plan.Version, Alias = request.Alias, PromotionId = request.PromotionId, Trigger = request.Trigger, Deliberate = request.Deliberate,
            Outcome = ServingLedgerEntry.Served, Image = plan.Image, SmokeCheck = attempt.SmokeCheck, StartedAt = attempt.StartedAt, At = now,
        });
        var started = attempt.StartedAt;
        context.AfterCommit(() => _durations.Record(RolloutDurations.Served, started, now));
        await context.Publish(new ServingRolloutComplete
        {
            FlowId = request.FlowId, OccurredAt = now, ModelName = plan.ModelName, Version = plan.Version,
            Namespace = placement.Namespace, DeploymentName = placement.Name, StartedAt = attempt.StartedAt,
        });
        await context.Publish(new ModelPromoted
        {
            FlowId = request.FlowId, OccurredAt = now, ModelName = plan.ModelName, Version = plan.Version, Alias = request.Alias,
        });
        await AnswerAsync(context, request, ServingOutcome.Served, null);
        _logger.LogInformation("{Model} version {Version} serves from {Namespace}/{Deployment} with {Image}; alias {Alias} points at it; smoke check {SmokeCheck}",
            plan.ModelName, plan.Version, placement.Namespace, placement.Name, plan.Image, request.Alias, attempt.SmokeCheck);
        saga.Attempt = null;
        saga.FailedStep = null;
        await context.TransitionToState(Serving);
        await TakeNextAsync(context);
    }

    private async Task FinishFailedAsync(BehaviorContext<ServingState> context)
    {
        var saga = context.Saga;
        var attempt = saga.Attempt!;
        var request = attempt.Request;
        var plan = attempt.Plan;
        var now = DateTimeOffset.UtcNow;
        var reason = attempt.FailureReason ?? "the attempt failed";
        var full = attempt.RollbackFailure is { } rollbackFailure ? $"{reason}; the rollback did not complete: {rollbackFailure}" : reason;
        AddToLedger(saga, new ServingLedgerEntry
        {
            Version = request.Version, Alias = request.Alias, PromotionId = request.PromotionId, Trigger = request.Trigger, Deliberate = request.Deliberate,
            Outcome = ServingLedgerEntry.Failed, Reason = full, Image = plan?.Image, StartedAt = attempt.StartedAt, At = now,
        });
        var deploymentName = attempt.Placement?.Name ?? saga.Placements.FirstOrDefault(p => p.Namespace == plan?.Namespace)?.Name ?? "";
        var started = attempt.StartedAt;
        context.AfterCommit(() => _durations.Record(RolloutDurations.Failed, started, now));
        await context.Publish(new ServingRolloutFailed
        {
            FlowId = request.FlowId, OccurredAt = now, ModelName = saga.ModelName, Version = request.Version,
            Namespace = plan?.Namespace ?? request.Stack.Namespace, DeploymentName = deploymentName, Reason = full,
            StartedAt = attempt.StartedAt,
        });
        if (attempt.ChangedCluster && attempt.RollbackFailure is null)
        {
            await context.Publish(new ModelRolledBack
            {
                FlowId = request.FlowId, OccurredAt = now, ModelName = saga.ModelName, FailedVersion = request.Version,
                RestoredVersion = attempt.CreatedDeployment ? null : attempt.PreviousVersion, Reason = reason,
            });
        }
        await AnswerAsync(context, request, ServingOutcome.Failed, full);
        _logger.LogWarning("Serving {Model} version {Version} failed in {FailedIn}: {Reason}; {Rollback}",
            saga.ModelName, request.Version, attempt.FailedIn, full, attempt.RollbackNote ?? "nothing to roll back");
        // A replay serves the same request again from its first step: what failed was undone, so nothing later can resume.
        saga.FailedStep = new SagaStepFailure
        {
            Step = PrepareStep,
            State = Preparing.Name,
            Reason = $"{attempt.FailedIn ?? PrepareStep}: {full}",
            FailedAt = now,
            Attempts = saga.FailedStep?.Attempts ?? 1,
            StatusCode = saga.FailedStep?.StatusCode,
            Kind = saga.FailedStep?.Kind ?? "Permanent",
        };
        saga.PendingStep = null;
        if (await Accessor.Get(context) != Failed)
            await context.TransitionToState(Failed);
        await TakeNextAsync(context);
    }

    private async Task FinishRetiredAsync(BehaviorContext<ServingState> context)
    {
        var saga = context.Saga;
        var retire = saga.Retiring!;
        AddToLedger(saga, new ServingLedgerEntry
        {
            Version = saga.Served?.Version, Alias = saga.Served?.Alias, Outcome = ServingLedgerEntry.Retired,
            Reason = retire.Reason is { Length: > 0 } why ? $"retired by {retire.RequestedBy}: {why}" : $"retired by {retire.RequestedBy}",
            StartedAt = retire.RequestedAt, At = DateTimeOffset.UtcNow,
        });
        _logger.LogInformation("{Model} is retired: its Deployment, Service and alias are gone", saga.ModelName);
        saga.Served = null;
        saga.Retiring = null;
        await context.TransitionToState(Retired);
        await TakeNextAsync(context);
    }

    private async Task TakeNextAsync(BehaviorContext<ServingState> context)
    {
        var saga = context.Saga;
        if (saga.NextRetire is { } retire)
        {
            saga.NextRetire = null;
            await StartRetiringAsync(context, retire);
        }
        else if (saga.Next is { } next)
        {
            saga.Next = null;
            await AdmitAsync(context, next);
        }
    }

    private async Task RollbackAsync(BehaviorContext<ServingState, RollbackModel> context)
    {
        var saga = context.Saga;
        var message = context.Message;
        var version = message.ToVersion ?? LastGoodBefore(saga);
        var now = DateTimeOffset.UtcNow;
        if (version is null)
        {
            var text = saga.Served is { } served
                ? $"no version served successfully before version {served.Version}: there is nothing to roll back to"
                : "no version of this model ever served: there is nothing to roll back to";
            saga.LastNote = new ServingNote { Command = nameof(RollbackModel), Text = text, At = now };
            _logger.LogWarning("RollbackModel for {Model} asked by {RequestedBy}: {Text}", saga.ModelName, message.RequestedBy ?? "(unnamed)", text);
            return;
        }
        var alias = saga.Served?.Alias ?? saga.Ledger.LastOrDefault(e => e.Alias is not null)?.Alias;
        await context.Publish(PromoteAgain(message, version, alias));
        saga.LastNote = new ServingNote
        {
            Command = nameof(RollbackModel),
            Text = $"asked to promote version {version} again ({message.Reason}), verified and gated like any promotion",
            At = now,
        };
    }

    private async Task RollbackOfUnknownModelAsync(ConsumeContext<RollbackModel> context)
    {
        if (context.Message.ToVersion is { } version)
        {
            await context.Publish(PromoteAgain(context.Message, version, null));
            return;
        }
        _logger.LogWarning("RollbackModel for {Model}: the promoter never served it, so there is no earlier version to go back to", context.Message.ModelName);
    }

    private static PromoteModel PromoteAgain(RollbackModel rollback, string version, string? alias)
    {
        var promote = new PromoteModel
        {
            FlowId = rollback.FlowId, OccurredAt = DateTimeOffset.UtcNow, ModelName = rollback.ModelName, Version = version,
            RequestedBy = rollback.RequestedBy, Reason = rollback.Reason, Trigger = nameof(RollbackModel),
        };
        return alias is null ? promote : promote with { Alias = alias };
    }

    private static async Task AnswerAsync(BehaviorContext<ServingState> context, ServingRequest request, ServingOutcome outcome, string? reason) =>
        await context.Publish(new ServingAttemptFinished
        {
            FlowId = request.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            PromotionId = request.PromotionId,
            ModelName = context.Saga.ModelName,
            Version = request.Version,
            Outcome = outcome,
            Reason = reason,
        });

    private async Task SupersedeAsync(BehaviorContext<ServingState> context, ServingRequest request, string reason)
    {
        AddToLedger(context.Saga, new ServingLedgerEntry
        {
            Version = request.Version, Alias = request.Alias, PromotionId = request.PromotionId, Trigger = request.Trigger, Deliberate = request.Deliberate,
            Outcome = ServingLedgerEntry.Superseded, Reason = reason, StartedAt = request.RequestedAt, At = DateTimeOffset.UtcNow,
        });
        _logger.LogInformation("Version {Version} of {Model} (promotion {PromotionId}) is not served: {Reason}", request.Version, context.Saga.ModelName, request.PromotionId, reason);
        await AnswerAsync(context, request, ServingOutcome.Superseded, reason);
    }

    private static void AddToLedger(ServingState saga, ServingLedgerEntry entry)
    {
        saga.Ledger.Add(entry);
        if (saga.Ledger.Count > ServingSagaIds.LedgerSize)
            saga.Ledger.RemoveRange(0, saga.Ledger.Count - ServingSagaIds.LedgerSize);
    }

    private static void Wait(BehaviorContext<ServingState> context, ServingAttempt attempt, TimeSpan span)
    {
        // Stores keep milliseconds; the stored time must equal the DeadlineAt the sweeper hands back.
        var at = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow + span).ToUnixTimeMilliseconds());
        attempt.WaitDeadlineAt = at;
        context.SetDeadline(at, typeof(ServingWaitTimedOut));
    }

    private static bool IsStale(ServingWaitTimedOut timeout, ServingAttempt attempt) =>
        attempt.WaitDeadlineAt is not { } due || timeout.DeadlineAt.ToUnixTimeMilliseconds() < due.ToUnixTimeMilliseconds();

    private static RetireRequest RetireRequestOf(RetireModel message) => new()
    {
        FlowId = message.FlowId, RequestedBy = message.RequestedBy, Reason = message.Reason, RequestedAt = DateTimeOffset.UtcNow,
    };
}
