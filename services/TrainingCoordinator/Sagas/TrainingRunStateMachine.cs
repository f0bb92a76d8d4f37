using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;
using Mlops.TrainingCoordinator.Training;
using Mlops.TrainingCoordinator.Watchers;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>
/// One training run as a saga (docs/training-coordinator.md): it waits for its stack, creates the MLflow run, submits the
/// Job (or Workflow), follows it through the watcher's reports, and makes sure a READY model version exists before it
/// announces <see cref="ModelRegistered"/>. Failures leave it Failed at its step, replayable; CancelSaga deletes its Job.
/// </summary>
public sealed class TrainingRunStateMachine : MassTransitStateMachine<TrainingRunState>
{
    /// <summary>The states in which a run has (or is about to have) a Job the watcher must see.</summary>
    public static readonly IReadOnlyList<string> StatesWithJobs = ["Submitting", "Submitted", "Running", "StoppingJob", "Cancelling"];

    private const string WaitingForStackName = "WaitingForStack";

    public TrainingRunStateMachine(IOptions<TrainingSettings> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var steps = new TrainingRunSteps(settings);
        InstanceState(x => x.CurrentState);

        Event(() => Start, x => x.CorrelateById(context => TrainingIdOf(context)));
        // A stack's events reach only the runs waiting for it: the stack name and the state are both columns.
        Event(() => StackReadyArrived, x =>
        {
            x.CorrelateBy((saga, context) => saga.StackName == context.Message.StackName && saga.CurrentState == WaitingForStackName);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => StackFailed, x =>
        {
            x.CorrelateBy((saga, context) => saga.StackName == context.Message.StackName && saga.CurrentState == WaitingForStackName);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => JobObserved, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
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
            failure.Reason = Readable(failure.Reason);
            // A version that failed registration is replayed by registering anew, not by looking at it again.
            if (failure.Step == steps.CheckVersion.Name && context.Saga.ModelVersion is { } version && context.Saga.RejectedVersions.Contains(version))
            {
                failure.Step = steps.RegisterModel.Name;
                failure.State = Registering.Name;
            }
            return context.Publish(FailedEvent(context.Saga, failure.Step, failure.Reason));
        });

        Initially(
            When(Start)
                .Then(context => Accept(context.Saga, context.Message, settings))
                .IfElse(context => context.Saga.Rejection is null,
                    accepted => accepted.TransitionTo(WaitingForStack),
                    rejected => rejected
                        .TransitionTo(Rejected)
                        .Publish(context => FailedEvent(context.Saga, "validation", context.Saga.Rejection!))));

        During(WaitingForStack,
            When(WaitingForStack.Enter).Step(steps.WaitForStack, then => then
                .Request(StackStatusRequest, context => new GetStackStatus
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    StackName = context.Saga.StackName!,
                })
                .SetDeadline(settings.StackWaitTimeout, StackWaitExpired)),
            When(StackReadyArrived)
                .Then(context => context.Saga.Stack = context.Message)
                .ClearDeadline()
                .TransitionTo(CreatingRun),
            When(StackStatusRequest.Completed, context => context.Message is { Ready: true, Stack: not null })
                .Then(context => context.Saga.Stack = context.Message.Stack)
                .ClearDeadline()
                .TransitionTo(CreatingRun),
            When(StackStatusRequest.Completed, context => context.Message is { Known: true, Ready: false } && context.Message.State == "Failed")
                .Then(context => FailWaiting(context.Saga,
                    $"stack {context.Saga.StackName} failed{(context.Message.FailedStep is { } step ? $" at step {step}" : "")}: {context.Message.Reason ?? "no reason given"}; fix the stack, then replay"))
                .ClearDeadline()
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga)),
            When(StackStatusRequest.Completed, context => !context.Message.Ready && context.Message.State != "Failed")
                .Then(context => context.Saga.StackLastSeen = context.Message.Known
                    ? $"in state {context.Message.State ?? "unknown"}"
                    : "not known to the Provisioner (no ProvisionStack for it yet)"),
            When(StackFailed)
                .Then(context => FailWaiting(context.Saga,
                    $"stack {context.Saga.StackName} failed at step {context.Message.Step}: {context.Message.Reason}; fix the stack, then replay"))
                .ClearDeadline()
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga)),
            When(StackWaitExpired)
                .Then(context => FailWaiting(context.Saga,
                    $"stack {context.Saga.StackName} was not ready within {Span(settings.StackWaitTimeout)}; it was "
                    + (context.Saga.StackLastSeen ?? "never heard of (no StackReady, no answer to GetStackStatus: is the Provisioner running?)")))
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga)));

        During(CreatingRun,
            When(CreatingRun.Enter).Step(steps.CreateRun, then => then
                .Publish(context => new TrainingRunStarted
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    TrainingId = context.Saga.CorrelationId,
                    StackName = context.Saga.StackName!,
                    ExperimentId = context.Saga.ExperimentId!,
                    MlflowRunId = context.Saga.RunId!,
                    ModelName = context.Saga.Plan!.ModelName,
                    ExperimentName = context.Saga.Plan.ExperimentName,
                })
                .TransitionTo(Submitting)));

        During(Submitting,
            When(Submitting.Enter).Step(steps.SubmitJob, then => then
                .Publish(context => new TrainingJobSubmitted
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    TrainingId = context.Saga.CorrelationId,
                    Namespace = context.Saga.Target!.Namespace,
                    JobName = context.Saga.JobName!,
                    MlflowRunId = context.Saga.RunId!,
                    Kind = context.Saga.JobKind!,
                    Attempt = context.Saga.JobAttempt,
                })
                .TransitionTo(Submitted)
                // Kubernetes ends the Job at its deadline; this one catches a Job whose end nobody reported.
                .Then(context => context.SetDeadline(DateTimeOffset.UtcNow + context.Saga.Plan!.Timeout + settings.OutcomeGrace, typeof(TrainingOutcomeOverdue)))));

        During(Submitted,
            When(JobObserved, context => IsCurrent(context) && context.Message.Phase == TrainingJobPhase.Running)
                .Then(context => context.Saga.JobStatus = null)
                .TransitionTo(Running),
            When(JobObserved, context => IsCurrent(context) && context.Message.Phase == TrainingJobPhase.Pending)
                .Then(context => context.Saga.JobStatus = context.Message.Reason));

        During(Submitted, Running,
            When(JobObserved, context => IsCurrent(context) && context.Message.Phase == TrainingJobPhase.Succeeded)
                .Then(context => context.Saga.JobStatus = null)
                .ClearDeadline()
                .TransitionTo(Succeeded),
            When(JobObserved, context => IsCurrent(context) && context.Message.Phase is TrainingJobPhase.Failed or TrainingJobPhase.Deleted)
                .Then(context => Stop(context.Saga, Describe(context.Message), context.Message.LogTail, deleteJob: false))
                .ClearDeadline()
                .TransitionTo(StoppingJob),
            When(JobObserved, context => IsCurrent(context) && context.Message.Phase == TrainingJobPhase.Stuck)
                .Then(context => Stop(context.Saga, context.Message.Reason ?? $"the pod of {context.Saga.JobName} cannot start", context.Message.LogTail, deleteJob: true))
                .ClearDeadline()
                .TransitionTo(StoppingJob),
            When(OutcomeOverdue)
                .Then(context => Stop(context.Saga,
                    $"no outcome of {context.Saga.JobKind} {context.Saga.JobName} within its timeout "
                    + $"({Span(context.Saga.Plan!.Timeout)}) and {Span(settings.OutcomeGrace)} more; last seen: {context.Saga.JobStatus ?? CurrentStateOf(context.Saga)}",
                    [], deleteJob: true))
                .TransitionTo(StoppingJob));

        // Before the run fails: a Job whose pod cannot start is deleted, so it does not start later behind the run's back,
        // and an MLflow run the script did not end is ended FAILED.
        During(StoppingJob,
            When(StoppingJob.Enter).Step(steps.StopJob, then => then
                .Then(context => FailJob(context.Saga, context.Saga.StopReason!, context.Saga.StopLogTail))
                .TransitionTo(Failed)
                .Publish(context => FailedEvent(context.Saga))));

        During(Succeeded,
            When(Succeeded.Enter).Step(steps.ReadRun, then => then
                .Publish(context => new TrainingRunSucceeded
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    TrainingId = context.Saga.CorrelationId,
                    MlflowRunId = context.Saga.RunId!,
                    Metrics = context.Saga.Metrics,
                    ModelName = context.Saga.Plan!.ModelName,
                    JobName = context.Saga.JobName,
                })
                .TransitionTo(Registering)));

        During(Registering,
            When(Registering.Enter).SetDeadline(TimeSpan.Zero, RegistrationDue),
            When(RegistrationDue).Step(steps.RegisterModel, then => then
                .IfElse(context => context.Saga.VersionReady,
                    ready => AnnounceRegistered(ready),
                    pending => pending.TransitionTo(WaitingForReady))));

        During(WaitingForReady,
            When(WaitingForReady.Enter).SetDeadline(settings.ReadyPollInterval, VersionCheckDue),
            When(VersionCheckDue).Step(steps.CheckVersion, then => then
                .IfElse(context => context.Saga.VersionReady,
                    ready => AnnounceRegistered(ready),
                    pending => pending.SetDeadline(settings.ReadyPollInterval, VersionCheckDue))));

        During([WaitingForStack, CreatingRun, Submitting, Submitted, Running, StoppingJob, Succeeded, Registering, WaitingForReady, Failed],
            When(Cancel, context => SagaStepExtensions.IsSagaType<TrainingRunState>(context.Message.SagaType))
                .Then(context =>
                {
                    context.Saga.CancelledBy = context.Message.RequestedBy;
                    context.Saga.CancelReason = context.Message.Reason;
                    context.Saga.FailedStep = null;
                })
                .ClearDeadline()
                .TransitionTo(Cancelling));

        During(Cancelling,
            When(Cancelling.Enter).Step(steps.Cancel, then => then
                .TransitionTo(Cancelled)
                .Publish(context => FailedEvent(context.Saga, steps.Cancel.Name,
                    $"cancelled by {context.Saga.CancelledBy}{(context.Saga.CancelReason is { Length: > 0 } why ? $": {why}" : "")}", cancelled: true))));

        DuringAny(
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());

        SetCompletedWhenFinalized();
    }

    public State WaitingForStack { get; private set; } = null!;
    public State CreatingRun { get; private set; } = null!;
    public State Submitting { get; private set; } = null!;
    public State Submitted { get; private set; } = null!;
    public State Running { get; private set; } = null!;
    public State StoppingJob { get; private set; } = null!;
    public State Succeeded { get; private set; } = null!;
    public State Registering { get; private set; } = null!;
    public State WaitingForReady { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;
    public State Cancelling { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<StartTraining> Start { get; private set; } = null!;
    public Event<StackReady> StackReadyArrived { get; private set; } = null!;
    public Event<StackProvisioningFailed> StackFailed { get; private set; } = null!;
    public Event<StackWaitExpired> StackWaitExpired { get; private set; } = null!;
    public Event<TrainingJobObserved> JobObserved { get; private set; } = null!;
    public Event<TrainingOutcomeOverdue> OutcomeOverdue { get; private set; } = null!;
    public Event<ModelRegistrationDue> RegistrationDue { get; private set; } = null!;
    public Event<ModelVersionCheckDue> VersionCheckDue { get; private set; } = null!;
    public Event<SagaStepRetryDue<TrainingRunState>> StepRetryDue { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;
    public Event<CancelSaga> Cancel { get; private set; } = null!;
    public Request<TrainingRunState, GetStackStatus, StackStatus> StackStatusRequest { get; private set; } = null!;

    private static EventActivityBinder<TrainingRunState> AnnounceRegistered(EventActivityBinder<TrainingRunState> binder) => binder
        .Publish(context => new ModelRegistered
        {
            FlowId = context.Saga.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = context.Saga.Plan!.ModelName,
            Version = context.Saga.ModelVersion!,
            RunId = context.Saga.RunId!,
            Source = context.Saga.ModelSource ?? "",
            StackName = context.Saga.StackName,
            TrainingId = context.Saga.CorrelationId,
            Metrics = context.Saga.Metrics,
        })
        .Finalize();

    // The caller's id makes a retried request the same run; without one the message's own id does (a redelivery is one run).
    internal static Guid TrainingIdOf(ConsumeContext<StartTraining> context) =>
        context.Message.TrainingId is { } id && id != Guid.Empty
            ? id
            : context.MessageId ?? throw new InvalidOperationException("A StartTraining without a TrainingId needs a message id to be one run.");

    private static void Accept(TrainingRunState saga, StartTraining request, TrainingSettings settings)
    {
        saga.FlowId = request.FlowId;
        var problems = TrainingRequestRules.Problems(request, settings);
        if (problems.Count > 0)
        {
            saga.Rejection = Bounded("StartTraining rejected: " + string.Join("; ", problems));
            return;
        }
        saga.Plan = TrainingPlan.From(request, settings);
        saga.StackName = saga.Plan.StackName;
    }

    private static bool IsCurrent(BehaviorContext<TrainingRunState, TrainingJobObserved> context) =>
        context.Message.JobName == context.Saga.JobName && context.Message.Kind == context.Saga.JobKind;

    private static string Describe(TrainingJobObserved observed) =>
        observed.Phase == TrainingJobPhase.Deleted
            ? $"{observed.Kind} {observed.JobName} was deleted before it finished; replay submits a new one"
            : observed.Reason ?? $"{observed.Kind} {observed.JobName} failed";

    private static void Stop(TrainingRunState saga, string reason, IEnumerable<string> logTail, bool deleteJob)
    {
        saga.StopReason = reason;
        saga.StopLogTail = [.. logTail];
        saga.StopDeletesJob = deleteJob;
    }

    // The Job step failed: a replay submits the next attempt under a new name.
    private void FailJob(TrainingRunState saga, string reason, IEnumerable<string> logTail)
    {
        saga.LogTail = [.. logTail];
        saga.FailedStep = new SagaStepFailure
        {
            Step = "submit-job",
            Reason = Bounded(reason),
            State = Submitting.Name,
            FailedAt = DateTimeOffset.UtcNow,
            Attempts = saga.JobAttempt,
            Kind = "Permanent",
        };
        if (saga.JobName is { } job && !saga.EarlierJobs.Contains(job))
            saga.EarlierJobs.Add(job);
        saga.JobAttempt++;
        saga.StopReason = null;
        saga.StopLogTail = [];
        saga.StopDeletesJob = false;
    }

    private void FailWaiting(TrainingRunState saga, string reason) =>
        saga.FailedStep = new SagaStepFailure
        {
            Step = "wait-for-stack",
            Reason = Bounded(reason),
            State = WaitingForStack.Name,
            FailedAt = DateTimeOffset.UtcNow,
            Attempts = 1,
            Kind = "Permanent",
        };

    private static TrainingRunFailed FailedEvent(TrainingRunState saga) =>
        FailedEvent(saga, saga.FailedStep?.Step ?? "unknown", saga.FailedStep?.Reason ?? "failed");

    private static TrainingRunFailed FailedEvent(TrainingRunState saga, string step, string reason, bool cancelled = false) => new()
    {
        FlowId = saga.FlowId,
        OccurredAt = DateTimeOffset.UtcNow,
        TrainingId = saga.CorrelationId,
        MlflowRunId = saga.RunId,
        Reason = reason,
        Step = step,
        StackName = saga.StackName,
        ModelName = saga.Plan?.ModelName,
        JobName = saga.JobName,
        LogTail = saga.LogTail,
        Cancelled = cancelled,
    };

    private static string CurrentStateOf(TrainingRunState saga) => saga.CurrentState ?? "unknown";

    // The transient-error rule names the exception type of a failure it does not know; ours says it all.
    private static string Readable(string reason) =>
        reason.Replace(TrainingRunException.ReasonPrefix, "", StringComparison.Ordinal);

    private static string Bounded(string reason) => reason.Length <= 2000 ? reason : reason[..1999] + "…";

    private static string Span(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h")
        : span.TotalMinutes >= 1 && span.Seconds == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");
}
