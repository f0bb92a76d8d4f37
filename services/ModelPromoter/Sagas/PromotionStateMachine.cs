using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// Is this version fit to serve? (docs/model-promoter-promotion.md) Verifying (registered and READY, PENDING waited for),
/// waiting for its stack, gating (metric gates, approval), then handing it to the model's serving saga and waiting for its
/// answer. Every failure leaves the promotion Failed with the step and the reason, replayable from the verification.
/// </summary>
public sealed class PromotionStateMachine : MassTransitStateMachine<PromotionState>
{
    private const string WaitingForApprovalName = "WaitingForApproval";
    private const string WaitingForStackName = "WaitingForStack";

    public PromotionStateMachine(IOptions<PromotionSettings> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var steps = new PromotionSteps(settings);
        InstanceState(x => x.CurrentState);

        Event(() => Registered, x => x.CorrelateById(m => PromotionIds.Automatic(m.Message.ModelName, m.Message.Version)));
        Event(() => Promote, x => x.CorrelateById(m => PromotionIds.Deliberate(m.Message.ModelName, m.Message.Version, RequestIdOf(m))));
        Event(() => Triggered, x => x.CorrelateById(m => m.Message.Attempt is { } attempt
            ? PromotionIds.Deliberate(m.Message.ModelName, m.Message.Version, attempt)
            : PromotionIds.Automatic(m.Message.ModelName, m.Message.Version)));
        // An approval reaches the promotions of that version that wait for one: model, version and state are columns.
        Event(() => Approve, x =>
        {
            x.CorrelateBy((saga, context) => saga.ModelName == context.Message.ModelName && saga.ModelVersion == context.Message.Version
                && saga.CurrentState == WaitingForApprovalName);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => StackReadyArrived, x =>
        {
            x.CorrelateBy((saga, context) => saga.StackName == context.Message.StackName && saga.CurrentState == WaitingForStackName);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => ServingFinished, x =>
        {
            x.CorrelateById(m => m.Message.PromotionId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Replay, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Cancel, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        // No scheduler here: the saga's own deadline bounds the wait, so the request itself never times out.
        Request(() => StackStatusRequest, r => r.Timeout = TimeSpan.Zero);

        this.UseSagaSteps(Failed, (context, failure) =>
        {
            var where = failure.Step;
            failure.Reason = failure.Reason.Replace(PromotionRefusedException.ReasonPrefix, "", StringComparison.Ordinal);
            context.Saga.FailedWhere = where;
            // Waits that ran out are replayed from their start, with a fresh bound.
            if (failure.Step == steps.CheckRegistration.Name)
                (failure.Step, failure.State) = (steps.Verify.Name, Verifying.Name);
            else if (failure.Step == steps.RecheckStack.Name)
                (failure.Step, failure.State) = (steps.FindStack.Name, WaitingForStack.Name);
            return context.Publish(FailedEvent(context.Saga, where, failure.Reason));
        });

        Initially(
            When(Registered)
                .Then(context => AcceptRegistered(context.Saga, context.Message))
                .Then(context => Validate(context.Saga))
                .IfElse(context => context.Saga.FailedStep is null, accepted => accepted.TransitionTo(Verifying), Reject),
            When(Promote)
                .Then(context => AcceptPromote(context.Saga, context.Message))
                .Then(context => Validate(context.Saga))
                .IfElse(context => context.Saga.FailedStep is null, accepted => accepted.TransitionTo(Verifying), Reject),
            When(Triggered, context => context.Message.Baseline)
                .Then(context => AcceptTriggered(context.Saga, context.Message))
                .TransitionTo(Baseline),
            When(Triggered, context => !context.Message.Baseline)
                .Then(context => AcceptTriggered(context.Saga, context.Message))
                .Then(context => Validate(context.Saga))
                .IfElse(context => context.Saga.FailedStep is null, accepted => accepted.TransitionTo(Verifying), Reject));

        // The baseline limits only the reconciliation: an explicit trigger for a version known at install time is acted on.
        During(Baseline,
            When(Registered)
                .Then(context => AcceptRegistered(context.Saga, context.Message))
                .Then(context => Validate(context.Saga))
                .IfElse(context => context.Saga.FailedStep is null, accepted => accepted.TransitionTo(Verifying), Reject),
            When(Triggered, context => !context.Message.Baseline && context.Message.Trigger != PromotionTriggers.Reconciliation)
                .Then(context => AcceptTriggered(context.Saga, context.Message))
                .Then(context => Validate(context.Saga))
                .IfElse(context => context.Saga.FailedStep is null, accepted => accepted.TransitionTo(Verifying), Reject));

        During(Verifying,
            When(Verifying.Enter).Step(steps.Verify, then => then
                .If(context => !context.Saga.Announced, announce => announce
                    .Then(context => context.Saga.Announced = true)
                    .Publish(context => new PromotionStarted
                    {
                        FlowId = context.Saga.FlowId,
                        OccurredAt = DateTimeOffset.UtcNow,
                        ModelName = context.Saga.ModelName!,
                        Version = context.Saga.ModelVersion!,
                        Trigger = context.Saga.Trigger!,
                        PromotionId = context.Saga.CorrelationId,
                        Deliberate = context.Saga.Deliberate,
                    }))
                .IfElse(context => context.Saga.WaitingFor is null,
                    ready => ready.TransitionTo(WaitingForStack),
                    waiting => waiting.TransitionTo(WaitingForRegistration))));

        During(WaitingForRegistration,
            When(WaitingForRegistration.Enter).SetDeadline(settings.RegistrationPollInterval, VersionCheckDue),
            When(VersionCheckDue).Step(steps.CheckRegistration, then => then
                .IfElse(context => context.Saga.WaitingFor is null,
                    ready => ready.TransitionTo(WaitingForStack),
                    waiting => waiting.SetDeadline(settings.RegistrationPollInterval, VersionCheckDue))));

        During(WaitingForStack,
            When(WaitingForStack.Enter).Step(steps.FindStack, then => AskForStack(then, settings)),
            When(StackCheckDue).Step(steps.RecheckStack, then => AskForStack(then, settings)),
            When(StackReadyArrived, context => Announced(context.Message))
                .Then(context => context.Saga.Stack = context.Message)
                .ClearDeadline()
                .TransitionTo(Gating),
            When(StackReadyArrived, context => !Announced(context.Message))
                .Then(context => context.Saga.StackLastSeen = $"stack {context.Saga.StackName} is ready but announced no artifact bucket"),
            When(StackStatusRequest.Completed, context => IsAbout(context) && context.Message is { Ready: true, Stack: { } stack } && Announced(stack))
                .Then(context => context.Saga.Stack = context.Message.Stack)
                .ClearDeadline()
                .TransitionTo(Gating),
            When(StackStatusRequest.Completed, context => IsAbout(context) && context.Message is { Known: true, Ready: false, State: "Failed" })
                .Then(context => FailWaiting(context.Saga, $"stack {context.Saga.StackName} failed"
                    + (context.Message.FailedStep is { } step ? $" at step {step}" : "")
                    + $": {context.Message.Reason ?? "no reason given"}; fix the stack, then replay"))
                .ClearDeadline()
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga)),
            When(StackStatusRequest.Completed, context => IsAbout(context) && !(context.Message.Ready && context.Message.Stack is { } s && Announced(s))
                && !(context.Message.Known && context.Message.State == "Failed"))
                .Then(context => context.Saga.StackLastSeen = context.Message switch
                {
                    { Known: false } => $"stack {context.Saga.StackName} is not known to the Provisioner (no ProvisionStack for it yet)",
                    { Ready: true } => $"stack {context.Saga.StackName} is ready but announced no artifact bucket",
                    _ => $"stack {context.Saga.StackName} was in state {context.Message.State ?? "unknown"}",
                }),
            When(StackStatusRequest.Faulted)
                .Then(context => context.Saga.StackLastSeen = $"the Provisioner failed to answer: {First(context.Message.Exceptions)}"));

        During(Gating,
            When(Gating.Enter).Step(steps.Gate, then => then
                .IfElse(context => context.Saga.ApprovedBy is not null,
                    approved => approved.TransitionTo(HandingOff),
                    waiting => waiting
                        .Then(context => context.Saga.ApproveBy = DateTimeOffset.UtcNow + settings.ApprovalTimeout)
                        .SetDeadline(settings.ApprovalTimeout, ApprovalExpired)
                        .TransitionTo(WaitingForApproval)
                        .Publish(context => new PromotionAwaitingApproval
                        {
                            FlowId = context.Saga.FlowId,
                            OccurredAt = DateTimeOffset.UtcNow,
                            PromotionId = context.Saga.CorrelationId,
                            ModelName = context.Saga.ModelName!,
                            Version = context.Saga.ModelVersion!,
                            Trigger = context.Saga.Trigger!,
                            ApproveBy = context.Saga.ApproveBy!.Value,
                        }))));

        During(WaitingForApproval,
            When(Approve, context => context.Message.PromotionId is null || context.Message.PromotionId == context.Saga.CorrelationId)
                .Then(context =>
                {
                    context.Saga.ApprovedBy = string.IsNullOrWhiteSpace(context.Message.ApprovedBy) ? "(unnamed)" : context.Message.ApprovedBy.Trim();
                    context.Saga.ApprovedAt = context.Message.OccurredAt;
                })
                .ClearDeadline()
                .TransitionTo(HandingOff),
            When(ApprovalExpired)
                .Then(context => Fail(context.Saga, "approval",
                    $"model {context.Saga.ModelName} version {context.Saga.ModelVersion} was not approved within {PromotionVerifier.Span(settings.ApprovalTimeout)}"))
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga)));

        During(HandingOff,
            When(HandingOff.Enter)
                .Then(context =>
                {
                    context.Saga.HandedOffAt = DateTimeOffset.UtcNow;
                    context.Saga.ServingOverdue = false;
                    context.Saga.Outcome = null;
                    context.Saga.OutcomeReason = null;
                })
                .Publish(context => new RegistryAliasWriteExpected
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    ModelName = context.Saga.ModelName!,
                    Alias = context.Saga.Alias!,
                    Version = context.Saga.ModelVersion!,
                    PromotionId = context.Saga.CorrelationId,
                })
                .Publish(context => new ServeModelVersion
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    ModelName = context.Saga.ModelName!,
                    Version = context.Saga.ModelVersion!,
                    PromotionId = context.Saga.CorrelationId,
                    Alias = context.Saga.Alias!,
                    Deliberate = context.Saga.Deliberate,
                    Trigger = context.Saga.Trigger!,
                    RunId = context.Saga.RunId ?? "",
                    ArtifactLocation = context.Saga.ArtifactLocation!,
                    Stack = context.Saga.Stack!,
                })
                .SetDeadline(settings.ServingTimeout, ServingOverdueEvent)
                .TransitionTo(WaitingForServing));

        During(WaitingForServing,
            When(ServingFinished)
                .Then(context => Settle(context.Saga, context.Message))
                .ClearDeadline()
                .Publish(context => Settled(context.Saga))
                .IfElse(context => context.Message.Outcome == ServingOutcome.Failed,
                failed => failed.TransitionTo(Failed).Publish(context => FailedEvent(context.Saga)),
                done => done.IfElse(context => context.Message.Outcome == ServingOutcome.Served,
                    served => served.TransitionTo(Promoted),
                    superseded => superseded.TransitionTo(Superseded))),
            When(ServingOverdueEvent)
                .Then(context =>
                {
                    context.Saga.ServingOverdue = true;
                    Fail(context.Saga, "serving", $"the serving saga did not answer within {PromotionVerifier.Span(settings.ServingTimeout)}; "
                        + "a late answer still settles this promotion");
                })
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga)));

        // The serving saga answered after this promotion stopped waiting, or served after a replay of its own: its answer is what happened.
        During(Failed,
            When(ServingFinished, context => context.Saga.ServingOverdue || context.Saga.FailedWhere == "serving")
                .Then(context => Settle(context.Saga, context.Message))
                .Publish(context => Settled(context.Saga))
                .IfElse(context => context.Message.Outcome == ServingOutcome.Failed,
                    failed => failed.Publish(context => FailedEvent(context.Saga)),
                    done => done.IfElse(context => context.Message.Outcome == ServingOutcome.Served,
                        served => served.Then(context => context.Saga.FailedStep = null).TransitionTo(Promoted),
                        superseded => superseded.Then(context => context.Saga.FailedStep = null).TransitionTo(Superseded))));

        During([Verifying, WaitingForRegistration, WaitingForStack, Gating, WaitingForApproval, HandingOff, WaitingForServing, Failed],
            When(Cancel, context => SagaStepExtensions.IsSagaType<PromotionState>(context.Message.SagaType))
                .Then(context =>
                {
                    context.Saga.CancelledBy = context.Message.RequestedBy;
                    context.Saga.PendingStep = null;
                    context.Saga.FinishedAt = DateTimeOffset.UtcNow;
                })
                .ClearDeadline()
                .TransitionTo(Cancelled)
                .Publish(context => FailedEvent(context.Saga, "cancel",
                    $"cancelled by {context.Message.RequestedBy}{(context.Message.Reason is { Length: > 0 } why ? $": {why}" : "")}", cancelled: true)));

        DuringAny(
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());
    }

    public State Baseline { get; private set; } = null!;
    public State Verifying { get; private set; } = null!;
    public State WaitingForRegistration { get; private set; } = null!;
    public State WaitingForStack { get; private set; } = null!;
    public State Gating { get; private set; } = null!;
    public State WaitingForApproval { get; private set; } = null!;
    public State HandingOff { get; private set; } = null!;
    public State WaitingForServing { get; private set; } = null!;
    public State Promoted { get; private set; } = null!;
    public State Superseded { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<ModelRegistered> Registered { get; private set; } = null!;
    public Event<PromoteModel> Promote { get; private set; } = null!;
    public Event<PromotionTriggered> Triggered { get; private set; } = null!;
    public Event<ApprovePromotion> Approve { get; private set; } = null!;
    public Event<StackReady> StackReadyArrived { get; private set; } = null!;
    public Event<ServingAttemptFinished> ServingFinished { get; private set; } = null!;
    public Event<PromotionVersionCheckDue> VersionCheckDue { get; private set; } = null!;
    public Event<PromotionStackCheckDue> StackCheckDue { get; private set; } = null!;
    public Event<PromotionApprovalExpired> ApprovalExpired { get; private set; } = null!;
    public Event<PromotionServingOverdue> ServingOverdueEvent { get; private set; } = null!;
    public Event<SagaStepRetryDue<PromotionState>> StepRetryDue { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;
    public Event<CancelSaga> Cancel { get; private set; } = null!;
    public Request<PromotionState, GetStackStatus, StackStatus> StackStatusRequest { get; private set; } = null!;

    // The caller's id makes a repeated request the same attempt; without one the message's own id does.
    private static Guid RequestIdOf(ConsumeContext<PromoteModel> context) =>
        context.Message.RequestId is { } id && id != Guid.Empty
            ? id
            : context.MessageId ?? throw new InvalidOperationException("A PromoteModel without a RequestId needs a message id to be one attempt.");

    private static void AcceptRegistered(PromotionState saga, ModelRegistered message)
    {
        Begin(saga, message.ModelName, message.Version, PromotionTriggers.ModelRegistered, message.FlowId);
        saga.RunId = string.IsNullOrEmpty(message.RunId) ? saga.RunId : message.RunId;
        saga.TriggerStackName = message.StackName ?? saga.TriggerStackName;
        if (message.Metrics.Count > 0)
        {
            saga.Metrics = new Dictionary<string, double>(message.Metrics, StringComparer.Ordinal);
            saga.MetricsFromTrigger = true;
        }
    }

    private static void AcceptPromote(PromotionState saga, PromoteModel message)
    {
        Begin(saga, message.ModelName, message.Version, string.IsNullOrWhiteSpace(message.Trigger) ? PromotionTriggers.PromoteModel : message.Trigger.Trim(), message.FlowId);
        saga.Attempt = message.RequestId;
        saga.Deliberate = true;
        saga.RequestedBy = string.IsNullOrWhiteSpace(message.RequestedBy) ? null : message.RequestedBy.Trim();
        saga.RequestReason = message.Reason;
        saga.RequestedAlias = message.Alias;
        saga.ApprovalRequested = message.RequireApproval;
    }

    private static void AcceptTriggered(PromotionState saga, PromotionTriggered message)
    {
        Begin(saga, message.ModelName, message.Version, message.Trigger, message.FlowId);
        saga.Attempt = message.Attempt;
        saga.Deliberate = message.Attempt is not null;
        saga.RequestedBy = message.ChosenBy;
        saga.RequestedAlias = message.Alias;
        saga.RunId = string.IsNullOrEmpty(message.RunId) ? saga.RunId : message.RunId;
        saga.TriggerStackName = message.StackName ?? saga.TriggerStackName;
    }

    private static void Begin(PromotionState saga, string modelName, string version, string trigger, Guid flowId)
    {
        saga.ModelName = modelName;
        saga.ModelVersion = version?.Trim();
        saga.Trigger = trigger;
        // Without a flow from the trigger, the promotion's own id stands in until the run's mlops.flow_id tag is read.
        saga.FlowFromTrigger = flowId != Guid.Empty;
        saga.FlowId = flowId != Guid.Empty ? flowId : saga.CorrelationId;
    }

    private void Validate(PromotionState saga)
    {
        if (PromotionRequestRules.Problem(saga.ModelName, saga.ModelVersion, saga.RequestedAlias) is { } problem)
            Fail(saga, "validation", $"{saga.Trigger} refused: {problem}", Verifying.Name);
    }

    private EventActivityBinder<PromotionState, T> Reject<T>(EventActivityBinder<PromotionState, T> binder)
        where T : class => binder
        .TransitionTo(Rejected)
        .Publish(context => FailedEvent(context.Saga));

    private EventActivityBinder<PromotionState> AskForStack(EventActivityBinder<PromotionState> binder, PromotionSettings settings) => binder
        .If(context => context.Saga.StackName is not null, ask => ask
            .Request(StackStatusRequest, context => new GetStackStatus
            {
                FlowId = context.Saga.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = context.Saga.StackName!,
            }))
        .SetDeadline(settings.StackCheckInterval, StackCheckDue);

    private static bool IsAbout(BehaviorContext<PromotionState, StackStatus> context) =>
        string.Equals(context.Message.StackName, context.Saga.StackName, StringComparison.Ordinal);

    /// <summary>A stack is ready to serve on once it announced where MLflow keeps its artifacts.</summary>
    private static bool Announced(StackReady stack) => !string.IsNullOrWhiteSpace(stack.ArtifactBucket);

    private static void Settle(PromotionState saga, ServingAttemptFinished answer)
    {
        saga.FailedWhere = answer.Outcome == ServingOutcome.Failed ? "serving" : null;
        saga.Outcome = answer.Outcome.ToString();
        saga.OutcomeReason = answer.Reason;
        saga.ServingOverdue = false;
        if (answer.Outcome == ServingOutcome.Failed)
        {
            // Replayed from the verification: the version is checked and gated again before it is served again.
            saga.FailedStep = new SagaStepFailure
            {
                Step = "verify-version",
                Reason = Bounded($"serving failed: {answer.Reason ?? "no reason given"}"),
                State = "Verifying",
                FailedAt = answer.OccurredAt,
                Attempts = 1,
                Kind = "Permanent",
            };
        }
        else
        {
            saga.FinishedAt = answer.OccurredAt;
        }
    }

    private static RegistryAliasWriteSettled Settled(PromotionState saga) => new()
    {
        FlowId = saga.FlowId,
        OccurredAt = DateTimeOffset.UtcNow,
        ModelName = saga.ModelName!,
        Alias = saga.Alias!,
        Version = saga.ModelVersion!,
        PromotionId = saga.CorrelationId,
        Served = saga.Outcome == nameof(ServingOutcome.Served),
    };

    private void FailWaiting(PromotionState saga, string reason) => Fail(saga, "wait-for-stack", reason, WaitingForStack.Name, "find-stack");

    // A failure outside a step is replayed from the verification, unless it names the step to start again.
    private void Fail(PromotionState saga, string where, string reason, string? replayState = null, string? replayStep = null)
    {
        saga.PendingStep = null;
        saga.FailedStep = new SagaStepFailure
        {
            Step = replayStep ?? "verify-version",
            Reason = Bounded(reason),
            State = replayState ?? Verifying.Name,
            FailedAt = DateTimeOffset.UtcNow,
            Attempts = 1,
            Kind = "Permanent",
        };
        saga.FailedWhere = where;
    }

    private static PromotionFailed FailedEvent(PromotionState saga) =>
        FailedEvent(saga, saga.FailedWhere ?? saga.FailedStep?.Step ?? "unknown", saga.FailedStep?.Reason ?? "failed");

    private static PromotionFailed FailedEvent(PromotionState saga, string step, string reason, bool cancelled = false) => new()
    {
        FlowId = saga.FlowId,
        OccurredAt = DateTimeOffset.UtcNow,
        PromotionId = saga.CorrelationId,
        ModelName = saga.ModelName ?? "",
        Version = saga.ModelVersion ?? "",
        Step = step,
        Reason = reason,
        Trigger = saga.Trigger ?? "",
        Cancelled = cancelled,
    };

    private static string First(IEnumerable<ExceptionInfo> exceptions) =>
        exceptions.FirstOrDefault() is { } first ? Bounded($"{first.ExceptionType}: {first.Message}") : "no reason given";

    private static string Bounded(string reason) => reason.Length <= 2000 ? reason : reason[..1999] + "…";
}
