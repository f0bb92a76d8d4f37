namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Published by every progress transition, through the outbox.</summary>
public sealed record RolloutAdvanced
{
    public const string HeaderName = "mlops-rollout-step";

    public Guid CorrelationId { get; init; }
    public int Progress { get; init; }
}
