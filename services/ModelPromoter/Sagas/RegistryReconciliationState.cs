using MassTransit;
using Mlops.SagaStore;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The registry reconciliation's memory, one instance per service: once its first pass recorded the baseline (what the
/// registry held at install time), every later pass starts what it finds. Passes themselves leave no row: the trigger
/// metric tells when the last one ran.
/// </summary>
public sealed class RegistryReconciliationState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public DateTimeOffset? BaselineAt { get; set; }

    /// <summary>READY versions the first pass saw.</summary>
    public int BaselineVersions { get; set; }

    /// <summary>Whether the first pass served them (opted in) or only recorded them.</summary>
    public bool BaselineServed { get; set; }
}
