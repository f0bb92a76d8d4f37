using MassTransit;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>State of the test saga: a model rollout that waits for completion or times out.</summary>
public sealed class RolloutState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }
    public Guid FlowId { get; set; }

    [SagaIndex]
    public string? ModelName { get; set; }

    /// <summary>Stored only in the document, so correlating on it must be refused.</summary>
    public string? Note { get; set; }

    public int Progress { get; set; }
    public DateTimeOffset? TimedOutAt { get; set; }
}
