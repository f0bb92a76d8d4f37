using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// From a MinIO <c>MLmodel</c> event to a promotion (docs/model-promoter-promotion.md): resolves the run; leaves a run
/// tagged <c>mlops.training_id</c> to the TrainingCoordinator (its ModelRegistered promotes it); for any other run waits
/// at deadlines, bounded, for a version registered from it, or registers one when the policy maps its experiment to a
/// model; then starts the promotion of each version (attempt 0, so other triggers of the same version converge on it).
/// </summary>
public sealed class RunArtifactStateMachine : MassTransitStateMachine<RunArtifactState>
{
    // Fixed: changing it would orphan the stored runs.
    private static readonly Guid RunNamespace = new("0b7d4a19-93e6-4c2f-8f51-6a2e0c9d7b83");

    public RunArtifactStateMachine(IOptions<RunArtifactSettings> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        InstanceState(x => x.CurrentState);
        Event(() => Logged, x => x.CorrelateById(m => IdOf(m.Message)));
        Event(() => Replay, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });

        var resolve = new SagaStep<RunArtifactState>("resolve-run", step =>
            step.GetRequiredService<RunArtifactResolver>().ResolveAsync(step.Saga, settings, step.CancellationToken)) { Deadline = settings.StepDeadline };
        // Registering waits for a deadline of its own: copies of the first event may run the first look at the same
        // time, and only one deadline message ever fires, so only one of them can register.
        var findVersions = new SagaStep<RunArtifactState>("find-versions", step =>
            step.GetRequiredService<RunArtifactResolver>().FindVersionsAsync(step.Saga, mayRegister: false, step.CancellationToken)) { Deadline = settings.StepDeadline };
        var recheckVersions = new SagaStep<RunArtifactState>("recheck-versions", step =>
            step.GetRequiredService<RunArtifactResolver>().FindVersionsAsync(step.Saga, mayRegister: true, step.CancellationToken)) { Deadline = settings.StepDeadline };

        this.UseSagaSteps(Failed, (context, failure) =>
        {
            failure.Reason = failure.Reason.Replace(PromotionRefusedException.ReasonPrefix, "", StringComparison.Ordinal);
            if (failure.Step == recheckVersions.Name)
                (failure.Step, failure.State) = (findVersions.Name, WaitingForVersion.Name);
            return Task.CompletedTask;
        });

        Initially(
            When(Logged)
                .Then(context => Record(context.Saga, context.Message))
                .TransitionTo(Resolving));

        During(Resolving,
            When(Resolving.Enter).Step(resolve, then => then
                .IfElse(context => context.Saga.TrainingId is not null,
                    owned => owned.TransitionTo(CoordinatorOwned),
                    outside => outside.TransitionTo(WaitingForVersion))));

        During(WaitingForVersion,
            When(WaitingForVersion.Enter).Step(findVersions, then => Decide(then, settings)),
            When(CheckDue).Step(recheckVersions, then => Decide(then, settings)),
            When(Logged).Then(context => Record(context.Saga, context.Message)));

        DuringAny(
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());
    }

    public State Resolving { get; private set; } = null!;
    public State WaitingForVersion { get; private set; } = null!;

    /// <summary>Its versions' promotions are started.</summary>
    public State Promoting { get; private set; } = null!;

    /// <summary>The TrainingCoordinator's run: its ModelRegistered starts the promotion.</summary>
    public State CoordinatorOwned { get; private set; } = null!;

    /// <summary>No version appeared within the bound, and the policy maps its experiment to no model.</summary>
    public State NoVersion { get; private set; } = null!;

    public State Failed { get; private set; } = null!;

    public Event<RunArtifactLogged> Logged { get; private set; } = null!;
    public Event<RunArtifactCheckDue> CheckDue { get; private set; } = null!;
    public Event<SagaStepRetryDue<RunArtifactState>> StepRetryDue { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;

    /// <summary>One saga per run (or logged model) in a bucket: every MLmodel of it, and every copy of each event, lands there.</summary>
    public static Guid IdOf(RunArtifactLogged logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        return IdOf(logged.Bucket, logged.ExperimentId, logged.LoggedModelId ?? logged.RunId!);
    }

    /// <summary>The saga of run (or logged model) <paramref name="runOrModelId"/> of an experiment whose artifacts are in <paramref name="bucket"/>.</summary>
    public static Guid IdOf(string bucket, string experimentId, string runOrModelId) =>
        SagaIds.NameBased(RunNamespace, $"{bucket}\n{experimentId}\n{runOrModelId}");

    private EventActivityBinder<RunArtifactState> Decide(EventActivityBinder<RunArtifactState> binder, RunArtifactSettings settings) => binder
        .IfElse(context => context.Saga.Versions.Count > 0,
            found => found
                .ThenAsync(async context =>
                {
                    foreach (var version in context.Saga.Versions)
                    {
                        await context.Publish(new PromotionTriggered
                        {
                            FlowId = context.Saga.RunFlowId ?? Guid.Empty,
                            OccurredAt = DateTimeOffset.UtcNow,
                            ModelName = version.ModelName,
                            Version = version.Version,
                            Trigger = PromotionTriggers.Minio,
                            RunId = context.Saga.RunId,
                            Source = version.Source,
                            StackName = context.Saga.ServingStack,
                        });
                    }
                })
                .TransitionTo(Promoting),
            waiting => waiting.IfElse(context => DateTimeOffset.UtcNow >= context.Saga.WaitUntil,
                expired => expired.TransitionTo(NoVersion),
                again => again.Then(context =>
                {
                    var next = DateTimeOffset.UtcNow + settings.VersionPollInterval;
                    if (context.Saga.MappedModel is not null && context.Saga.RegisterAt is { } registerAt && registerAt < next)
                        next = registerAt > DateTimeOffset.UtcNow ? registerAt : DateTimeOffset.UtcNow;
                    context.SetDeadline(next, typeof(RunArtifactCheckDue));
                })));

    private static void Record(RunArtifactState saga, RunArtifactLogged logged)
    {
        saga.Bucket ??= logged.Bucket;
        saga.StackName ??= logged.StackName;
        saga.ExperimentId ??= logged.ExperimentId;
        saga.RunId ??= logged.RunId;
        saga.LoggedModelId ??= logged.LoggedModelId;
        if (saga.FlowId == Guid.Empty)
            saga.FlowId = saga.CorrelationId;
        if (!saga.ArtifactPaths.Contains(logged.ArtifactPath, StringComparer.Ordinal))
            saga.ArtifactPaths.Add(logged.ArtifactPath);
        if (saga.ObjectKeys.Count < 20 && !saga.ObjectKeys.Contains(logged.ObjectKey, StringComparer.Ordinal))
            saga.ObjectKeys.Add(logged.ObjectKey);
    }
}
