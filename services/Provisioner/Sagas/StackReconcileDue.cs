using MassTransit;

namespace Mlops.Provisioner.Sagas;

/// <summary>The deadline of a ready stack's next check, published by the saga store's sweeper.</summary>
public sealed record StackReconcileDue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
