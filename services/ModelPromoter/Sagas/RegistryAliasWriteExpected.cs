namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A promotion handed a version to the serving saga, which will point <see cref="Alias"/> at it: when the registry then
/// shows the alias there, that is the product's own write, not a person's choice, and it starts nothing.
/// </summary>
public sealed record RegistryAliasWriteExpected
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Alias { get; init; }

    public required string Version { get; init; }

    public required Guid PromotionId { get; init; }
}
