using MassTransit;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Waits for a deadline whose timeout message the sweeper could not build.</summary>
public sealed class PoisonedStateMachine : MassTransitStateMachine<RolloutState>
{
    public PoisonedStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Started, x => x.CorrelateById(m => m.Message.CorrelationId));
        Initially(When(Started).SetDeadline(TimeSpan.FromMinutes(1), Poisoned).TransitionTo(Waiting));
    }

    public State Waiting { get; private set; } = null!;
    public Event<StartRollout> Started { get; private set; } = null!;
    public Event<PoisonTimeout> Poisoned { get; private set; } = null!;
}
