using MassTransit;

namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>Placing an order publishes OrderAccepted then OrderPacked in one transition; shipping finishes it.</summary>
public sealed class OrderStateMachine : MassTransitStateMachine<OrderState>
{
    public OrderStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Placed, x => x.CorrelateById(m => m.Message.OrderId));
        Event(() => Shipped, x => x.CorrelateById(m => m.Message.OrderId));

        Initially(
            When(Placed)
                .PublishAsync(context => context.Init<OrderAccepted>(new { context.Message.OrderId }))
                .PublishAsync(context => context.Init<OrderPacked>(new { context.Message.OrderId }))
                .TransitionTo(Accepted));
        During(Accepted,
            When(Shipped).Finalize());

        SetCompletedWhenFinalized();
    }

    public State Accepted { get; private set; } = null!;

    public Event<OrderPlaced> Placed { get; private set; } = null!;
    public Event<OrderShipped> Shipped { get; private set; } = null!;
}
