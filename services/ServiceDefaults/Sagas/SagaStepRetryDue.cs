using MassTransit;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// The deadline event that tries a pending step of a <typeparamref name="TInstance"/> saga again. Published by the saga
/// store's deadline sweeper, which fills exactly these members; generic so each saga type gets its own.
/// </summary>
public sealed record SagaStepRetryDue<TInstance> : CorrelatedBy<Guid>
    where TInstance : class, ISagaStepInstance
{
    public Guid CorrelationId { get; init; }

    /// <summary>When the retry was due, as it was stored; a retry older than the one pending is stale and dropped.</summary>
    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
