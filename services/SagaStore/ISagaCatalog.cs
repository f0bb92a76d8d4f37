namespace Mlops.SagaStore;

/// <summary>Read access to a service's saga instances and their history, for the ops API and the dashboard.</summary>
public interface ISagaCatalog
{
    /// <summary>Names of the saga types stored by this service, e.g. "StackState".</summary>
    IReadOnlyList<string> SagaTypes { get; }

    /// <summary>Instances filtered by saga type, state, FlowId or a quarantined deadline, newest first.</summary>
    Task<SagaInstancePage> ListAsync(SagaInstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>One instance by its CorrelationId, looked up in every saga type unless <paramref name="sagaType"/> is given.</summary>
    Task<SagaInstanceRecord?> FindAsync(Guid correlationId, string? sagaType = null, CancellationToken cancellationToken = default);

    /// <summary>Outbox transactions committed but not delivered yet (normally none for long: a backlog means the broker is away).</summary>
    Task<OutboxBacklog> OutboxBacklogAsync(CancellationToken cancellationToken = default);

    /// <summary>The instance's audit trail, oldest first.</summary>
    Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(Guid correlationId, string? sagaType = null, CancellationToken cancellationToken = default);
}
