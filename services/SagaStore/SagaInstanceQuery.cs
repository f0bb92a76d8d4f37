namespace Mlops.SagaStore;

/// <summary>Filter and page for listing saga instances; null filters match everything.</summary>
public sealed record SagaInstanceQuery
{
    public const int MaxLimit = 500;

    /// <summary>Saga type name (e.g. "StackState"); null lists every saga type of the service.</summary>
    public string? SagaType { get; init; }
    public string? State { get; init; }
    public string? FlowId { get; init; }
    /// <summary>Only instances whose deadline was quarantined (see <see cref="SagaInstanceRecord.DeadlineError"/>).</summary>
    public bool QuarantinedDeadlines { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 50;
}
