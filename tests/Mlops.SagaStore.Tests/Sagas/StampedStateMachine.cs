using MassTransit;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>A state machine whose deadline event has no CorrelationId for the sweeper to fill in.</summary>
public sealed class StampedStateMachine : MassTransitStateMachine<StampedState>
{
    public StampedStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Stamped, x => x.CorrelateById(m => m.Message.CorrelationId));
        Initially(When(Stamped).SetDeadline(TimeSpan.FromMinutes(1), Unstamped).TransitionTo(Waiting));
    }

    public State Waiting { get; private set; } = null!;
    public Event<RolloutProgressed> Stamped { get; private set; } = null!;
    public Event<RolloutComplete> Unstamped { get; private set; } = null!;
}
