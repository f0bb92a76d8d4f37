using MassTransit;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// One attempt to promote one version of a registered model: is it fit to serve (registered and READY, its stack ready,
/// its gates met, approved)? Attempt 0 is shared by every automatic trigger; a deliberate choice has its own id.
/// </summary>
public sealed class PromotionState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public Guid FlowId { get; set; }

    /// <summary>The MLflow name, as the registry spells it; indexed so an approval finds the promotions of a version.</summary>
    [SagaIndex]
    public string? ModelName { get; set; }

    [SagaIndex]
    public string? ModelVersion { get; set; }

    /// <summary>The stack it serves on, once chosen; indexed so a stack's StackReady reaches the promotions waiting for it.</summary>
    [SagaIndex]
    public string? StackName { get; set; }

    /// <summary>What started it (one of <see cref="PromotionTriggers"/>).</summary>
    public string? Trigger { get; set; }

    /// <summary>Null for attempt 0; else the request or delivery id of the deliberate choice.</summary>
    public Guid? Attempt { get; set; }

    public bool Deliberate { get; set; }

    /// <summary>Who asked, for a deliberate attempt.</summary>
    public string? RequestedBy { get; set; }

    public string? RequestReason { get; set; }

    /// <summary>The alias the request named; null: the policy's target alias.</summary>
    public string? RequestedAlias { get; set; }

    /// <summary>The request asked to wait for approval although a person chose the version.</summary>
    public bool ApprovalRequested { get; set; }

    /// <summary>The flow id came from the trigger itself (ModelRegistered, a command), not from the run's tag.</summary>
    public bool FlowFromTrigger { get; set; }

    /// <summary>The stack the trigger named (ModelRegistered's), before the policy and the run's tag are consulted.</summary>
    public string? TriggerStackName { get; set; }

    public string? RunId { get; set; }

    /// <summary>The version's source as the registry holds it (a storage URI, or <c>models:/m-&lt;id&gt;</c> on MLflow 3).</summary>
    public string? Source { get; set; }

    /// <summary>Where the model's files are: the source, resolved once with get-download-uri when it is not a storage URI.</summary>
    public string? ArtifactLocation { get; set; }

    /// <summary>The run's final metrics (from ModelRegistered, else read from the run), for the gates.</summary>
    public Dictionary<string, double> Metrics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Metrics came with the trigger; the run need not be read for them.</summary>
    public bool MetricsFromTrigger { get; set; }

    /// <summary>What the promotion waits for while in WaitingForRegistration: the version to be READY, or the gated run to end.</summary>
    public string? WaitingFor { get; set; }

    /// <summary>Since when it waits for READY (or for the run to end); the wait is bounded from here.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    /// <summary>The stack as announced, once ready: handed to the serving saga.</summary>
    public StackReady? Stack { get; set; }

    public DateTimeOffset? StackWaitUntil { get; set; }

    /// <summary>Where the stack last stood while the promotion waited for it, for the reason of a timeout.</summary>
    public string? StackLastSeen { get; set; }

    /// <summary>The gates as evaluated, one line each (<c>accuracy 0.91 &gt;= 0.85</c>).</summary>
    public List<string> GateResults { get; set; } = [];

    public string? ApprovedBy { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public DateTimeOffset? ApproveBy { get; set; }

    /// <summary>The alias the serving saga points at the version once it serves.</summary>
    public string? Alias { get; set; }

    public DateTimeOffset? HandedOffAt { get; set; }

    /// <summary>The promotion stopped waiting for the serving saga; a late answer still settles it.</summary>
    public bool ServingOverdue { get; set; }

    /// <summary>How the serving attempt ended (<c>Served</c>, <c>Failed</c>, <c>Superseded</c>), with its reason.</summary>
    public string? Outcome { get; set; }

    public string? OutcomeReason { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? CancelledBy { get; set; }

    /// <summary>PromotionStarted went out (once the run's flow was known).</summary>
    public bool Announced { get; set; }

    /// <summary>Where the last failure happened (a step, <c>gate</c>, <c>approval</c>, <c>serving</c>); the failed step is where a replay starts.</summary>
    public string? FailedWhere { get; set; }

    public SagaStepProgress? PendingStep { get; set; }

    public SagaStepFailure? FailedStep { get; set; }
}
