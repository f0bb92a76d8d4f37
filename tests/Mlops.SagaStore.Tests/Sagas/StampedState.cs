using MassTransit;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>A saga state that asks for an index the store cannot keep.</summary>
public sealed class StampedState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }

    [SagaIndex]
    public DateTimeOffset StampedAt { get; set; }
}
