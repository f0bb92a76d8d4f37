namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>A timeout the sweeper cannot build: Reason is required and nothing fills it.</summary>
public sealed record PoisonTimeout
{
    public required Guid CorrelationId { get; init; }
    public required string Reason { get; init; }
}
