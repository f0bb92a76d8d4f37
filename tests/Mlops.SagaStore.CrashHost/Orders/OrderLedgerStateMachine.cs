using MassTransit;

namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>Adds one per OrderAccepted and OrderPacked it consumes; its inbox makes a redelivered event count once.</summary>
public sealed class OrderLedgerStateMachine : MassTransitStateMachine<OrderLedgerState>
{
    public OrderLedgerStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Accepted, x => x.CorrelateById(m => m.Message.OrderId));
        Event(() => Packed, x => x.CorrelateById(m => m.Message.OrderId));

        Initially(
            When(Accepted).Then(context => context.Saga.Accepted++).TransitionTo(Recording),
            When(Packed).Then(context => context.Saga.Packed++).TransitionTo(Recording));
        During(Recording,
            When(Accepted).Then(context => context.Saga.Accepted++),
            When(Packed).Then(context => context.Saga.Packed++));
    }

    public State Recording { get; private set; } = null!;

    public Event<OrderAccepted> Accepted { get; private set; } = null!;
    public Event<OrderPacked> Packed { get; private set; } = null!;
}
