using MassTransit;
using MassTransit.SagaStateMachine;

namespace Mlops.Ops.Tests.Architecture;

/// <summary>
/// The transitions a state machine declares, as (from, event, to), read by visiting it: every <c>TransitionTo</c> under a
/// <c>During</c>/<c>Initially</c>/<c>DuringAny</c> event, including those in conditional branches and after saga steps.
/// Transitions made in handler code (<c>TransitionToState</c>) are not declared, so they cannot be seen.
/// </summary>
public sealed class SagaTransitions<TSaga> : StateMachineVisitor
    where TSaga : class, SagaStateMachineInstance
{
    private readonly HashSet<(string From, string Event, string To)> _found = [];
    private State? _state;
    private Event? _event;

    /// <summary>Visits <paramref name="machine"/> and answers what it declares (this visitor's findings so far).</summary>
    public IReadOnlyCollection<(string From, string Event, string To)> Read(StateMachine<TSaga> machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        machine.Accept(this);
        return _found;
    }

    public void Visit(State state, Action<State> next)
    {
        _state = state;
        next(state);
    }

    public void Visit(Event @event, Action<Event> next)
    {
        _event = @event;
        next(@event);
    }

    public void Visit<TData>(Event<TData> @event, Action<Event<TData>> next)
        where TData : class
    {
        _event = @event;
        next(@event);
    }

    public void Visit(IStateMachineActivity activity) => Visit(activity, _ => { });

    public void Visit(IStateMachineActivity activity, Action<IStateMachineActivity> next)
    {
        if (activity is TransitionActivity<TSaga> transition && _state is not null && _event is not null)
            _found.Add((_state.Name, _event.Name, transition.ToState.Name));
        next(activity);
    }

    public void Visit<T>(IBehavior<T> behavior)
        where T : class, SagaStateMachineInstance => Visit(behavior, _ => { });

    public void Visit<T>(IBehavior<T> behavior, Action<IBehavior<T>> next)
        where T : class, SagaStateMachineInstance => next(behavior);

    public void Visit<T, TData>(IBehavior<T, TData> behavior)
        where T : class, SagaStateMachineInstance
        where TData : class => Visit(behavior, _ => { });

    public void Visit<T, TData>(IBehavior<T, TData> behavior, Action<IBehavior<T, TData>> next)
        where T : class, SagaStateMachineInstance
        where TData : class => next(behavior);
}
