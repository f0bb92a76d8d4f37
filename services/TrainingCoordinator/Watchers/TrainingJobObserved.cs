using MassTransit;
using Mlops.Contracts;

namespace Mlops.TrainingCoordinator.Watchers;

/// <summary>
/// The watcher's report of a training Job or Workflow, correlated to its run by the saga annotation. Level-triggered: it
/// is sent again after a relist, and the run ignores what it already knows and reports of other attempts' Jobs.
/// </summary>
public sealed record TrainingJobObserved : IFlowMessage, CorrelatedBy<Guid>
{
    public required Guid CorrelationId { get; init; }

    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string Namespace { get; init; }

    public required string JobName { get; init; }

    /// <summary><c>Job</c> or <c>Workflow</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>See <see cref="TrainingJobPhase"/>.</summary>
    public required string Phase { get; init; }

    /// <summary>For Failed and Stuck, and a Pending pod that waits: why, in words a person can act on.</summary>
    public string? Reason { get; init; }

    /// <summary>The last lines of the training pod's log, when a pod ran.</summary>
    public IReadOnlyList<string> LogTail { get; init; } = [];
}
