using MassTransit;
using Mlops.ModelPromoter.Serving;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// One model's serving (one instance per MLflow model, id <see cref="ServingSagaIds.ForModel"/>): what serves now, the
/// attempt in progress (one at a time), the request that comes next (the newest wins), and the ledger of what served
/// when. It never finishes: a retired model keeps its ledger.
/// </summary>
public sealed class ServingState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    /// <summary>The flow of the request being served (or last served).</summary>
    public Guid FlowId { get; set; }

    /// <summary>The MLflow name, as the registry spells it.</summary>
    [SagaIndex]
    public string ModelName { get; set; } = "";

    public ServedVersion? Served { get; set; }

    /// <summary>The attempt in progress; while the saga is failed, the one that failed (a replay serves it again).</summary>
    public ServingAttempt? Attempt { get; set; }

    /// <summary>The request to serve once the attempt in progress ends.</summary>
    public ServingRequest? Next { get; set; }

    /// <summary>A retirement waiting for the attempt in progress to end.</summary>
    public RetireRequest? NextRetire { get; set; }

    /// <summary>The retirement being carried out.</summary>
    public RetireRequest? Retiring { get; set; }

    /// <summary>The names this model's server holds, one per namespace it was served in.</summary>
    public List<ModelServerPlacement> Placements { get; set; } = [];

    /// <summary>What served when, oldest first; the newest <see cref="ServingSagaIds.LedgerSize"/> entries are kept.</summary>
    public List<ServingLedgerEntry> Ledger { get; set; } = [];

    public ServingNote? LastNote { get; set; }

    public SagaStepProgress? PendingStep { get; set; }

    public SagaStepFailure? FailedStep { get; set; }
}
