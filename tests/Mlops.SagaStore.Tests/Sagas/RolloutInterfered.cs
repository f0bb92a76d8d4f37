namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Lets another writer change the instance while this message is handled.</summary>
public sealed record RolloutInterfered
{
    public Guid CorrelationId { get; init; }
}
