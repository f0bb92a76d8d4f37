using MassTransit;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>Every tick is one transition: load, apply, write the next version and its history row (and, if asked, publish).</summary>
public sealed class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Ticked, x => x.CorrelateById(m => m.Message.CorrelationId));

        Initially(
            When(Ticked)
                .Then(context =>
                {
                    context.Saga.FlowId = context.Message.FlowId;
                    context.Saga.Name = "counter-" + context.Saga.CorrelationId.ToString("N")[..8];
                    context.Saga.Ticks = 1;
                })
                .TransitionTo(Counting));
        During(Counting,
            When(Ticked)
                .Then(context => context.Saga.Ticks++)
                .If(context => context.Message.Publish, then => then.PublishAsync(context =>
                    context.Init<Counted>(new { context.Saga.CorrelationId, context.Saga.Ticks }))));
    }

    public State Counting { get; private set; } = null!;

    public Event<Tick> Ticked { get; private set; } = null!;
}
