namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>The rollout of a model finished; correlated by model name.</summary>
public sealed record RolloutComplete
{
    public required string ModelName { get; init; }
}
