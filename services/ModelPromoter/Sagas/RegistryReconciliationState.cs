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

    /// <summary>
    /// Per model, the highest READY version of the baseline. The first pass's triggers and this record travel on different
    /// queues, so a later pass may find a baseline version not yet recorded as such: it still counts as the baseline.
    /// </summary>
    public Dictionary<string, long> BaselineHighestVersions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per model, where the target alias pointed at the baseline, for the same reason.</summary>
    public Dictionary<string, string> BaselineAliases { get; set; } = new(StringComparer.Ordinal);
}
