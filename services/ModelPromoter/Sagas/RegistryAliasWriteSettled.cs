namespace Mlops.ModelPromoter.Sagas;

/// <summary>The serving saga answered a promotion: the alias was moved (<see cref="Served"/>) or left where it was.</summary>
public sealed record RegistryAliasWriteSettled
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Alias { get; init; }

    public required string Version { get; init; }

    public required Guid PromotionId { get; init; }

    public required bool Served { get; init; }
}
