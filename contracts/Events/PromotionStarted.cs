namespace Mlops.Contracts;

/// <summary>The ModelPromoter took on a model version; the trigger says what started it.</summary>
public sealed record PromotionStarted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary><c>ModelRegistered</c>, <c>minio</c>, <c>webhook</c>, <c>reconciliation</c>, <c>alias</c>, <c>PromoteModel</c> or <c>RollbackModel</c>.</summary>
    public required string Trigger { get; init; }

    /// <summary>The promotion's saga id (<c>PromotionState</c>).</summary>
    public Guid PromotionId { get; init; }

    /// <summary>A person chose this version (a command, or the alias moved by hand).</summary>
    public bool Deliberate { get; init; }
}
