using MassTransit;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>
/// A model rollout: waits for completion with a deadline, counts progress (publishing each step), can be paused, fails on
/// request. It has no Ignore clauses: repeated and late messages are the store's to acknowledge.
/// </summary>
public sealed class RolloutStateMachine : MassTransitStateMachine<RolloutState>
{
    public RolloutStateMachine(RolloutInterference interference)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Adopted, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.InsertOnInitial = true;
            x.SetSagaFactory(m => new RolloutState { CorrelationId = m.Message.CorrelationId });
        });
        Event(() => Progressed, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Noted, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Completed, x => x.CorrelateBy((saga, m) => saga.ModelName == m.Message.ModelName));
        Event(() => Paused, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Broken, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Interfered, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => TimedOut, x => x.CorrelateById(m => m.Message.CorrelationId));

        Initially(
            When(Started)
                .Then(context =>
                {
                    context.Saga.FlowId = context.Message.FlowId;
                    context.Saga.ModelName = context.Message.ModelName;
                })
                .SetDeadline(context => context.Message.Timeout, TimedOut)
                .TransitionTo(RollingOut),
            When(Adopted)
                .Then(context => context.Saga.ModelName = context.Message.ModelName)
                .TransitionTo(RollingOut));

        During(RollingOut,
            When(Progressed)
                .Then(context => context.Saga.Progress++)
                .PublishAsync(context => context.Init<RolloutAdvanced>(new { context.Saga.CorrelationId, context.Saga.Progress }),
                    publish => publish.Headers.Set(RolloutAdvanced.HeaderName, $"step-{publish.Message.Progress}")),
            When(Noted)
                .Then(context => context.Saga.Note = context.Message.Note),
            When(Interfered)
                .ThenAsync(context => interference.InterfereAsync(context.Saga.CorrelationId))
                .Then(context => context.Saga.Progress++),
            When(Broken)
                .PublishAsync(context => context.Init<RolloutAdvanced>(new { context.Saga.CorrelationId, Progress = -1 }))
                .Then(context => throw new InvalidOperationException(context.Message.Reason)),
            When(Paused)
                .ClearDeadline()
                .TransitionTo(Waiting),
            When(Completed)
                .Finalize(),
            When(TimedOut)
                .Then(context => context.Saga.TimedOutAt = context.Message.DeadlineAt)
                .TransitionTo(Expired));

        SetCompletedWhenFinalized();
    }

    public State RollingOut { get; private set; } = null!;
    public State Waiting { get; private set; } = null!;
    public State Expired { get; private set; } = null!;

    public Event<StartRollout> Started { get; private set; } = null!;
    public Event<AdoptRollout> Adopted { get; private set; } = null!;
    public Event<RolloutProgressed> Progressed { get; private set; } = null!;
    public Event<RolloutNoted> Noted { get; private set; } = null!;
    public Event<RolloutComplete> Completed { get; private set; } = null!;
    public Event<PauseRollout> Paused { get; private set; } = null!;
    public Event<RolloutBroken> Broken { get; private set; } = null!;
    public Event<RolloutInterfered> Interfered { get; private set; } = null!;
    public Event<RolloutTimedOut> TimedOut { get; private set; } = null!;
}
