using MassTransit;
using Mlops.SagaStore.Hosting;
using Mlops.SagaStore.Repository;

namespace Mlops.SagaStore;

/// <summary>
/// Deadlines for sagas on the durable repository: the store keeps the deadline with the instance and the service's
/// sweeper publishes the timeout event (with the saga's CorrelationId, its FlowId, DeadlineAt and OccurredAt) through the
/// outbox once it passes. Each transition that sets a deadline replaces the previous one; finishing the saga clears it.
/// </summary>
public static class SagaDeadlineExtensions
{
    /// <summary>Publishes <paramref name="timeout"/>'s message <paramref name="after"/> this transition unless cleared or replaced first.</summary>
    public static EventActivityBinder<TInstance, TData> SetDeadline<TInstance, TData, TTimeout>(
        this EventActivityBinder<TInstance, TData> binder, TimeSpan after, Event<TTimeout> timeout)
        where TInstance : class, SagaStateMachineInstance
        where TData : class
        where TTimeout : class
    {
        ArgumentNullException.ThrowIfNull(binder);
        var eventType = TimeoutEventType<TTimeout>(timeout);
        return binder.Then(context => Tracked(context).SetDeadline(after, eventType));
    }

    /// <summary>Like <see cref="SetDeadline{TInstance,TData,TTimeout}(EventActivityBinder{TInstance,TData},TimeSpan,Event{TTimeout})"/> with a delay taken from the message.</summary>
    public static EventActivityBinder<TInstance, TData> SetDeadline<TInstance, TData, TTimeout>(
        this EventActivityBinder<TInstance, TData> binder, Func<BehaviorContext<TInstance, TData>, TimeSpan> after, Event<TTimeout> timeout)
        where TInstance : class, SagaStateMachineInstance
        where TData : class
        where TTimeout : class
    {
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(after);
        var eventType = TimeoutEventType<TTimeout>(timeout);
        return binder.Then(context => Tracked(context).SetDeadline(after(context), eventType));
    }

    /// <summary>Publishes <paramref name="timeout"/>'s message <paramref name="after"/> this transition unless cleared or replaced first.</summary>
    public static EventActivityBinder<TInstance> SetDeadline<TInstance, TTimeout>(
        this EventActivityBinder<TInstance> binder, TimeSpan after, Event<TTimeout> timeout)
        where TInstance : class, SagaStateMachineInstance
        where TTimeout : class
    {
        ArgumentNullException.ThrowIfNull(binder);
        var eventType = TimeoutEventType<TTimeout>(timeout);
        return binder.Then(context => Tracked(context).SetDeadline(after, eventType));
    }

    /// <summary>Removes the instance's deadline, so no timeout event is published for it.</summary>
    public static EventActivityBinder<TInstance, TData> ClearDeadline<TInstance, TData>(this EventActivityBinder<TInstance, TData> binder)
        where TInstance : class, SagaStateMachineInstance
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(binder);
        return binder.Then(context => Tracked(context).ClearDeadline());
    }

    /// <summary>Removes the instance's deadline, so no timeout event is published for it.</summary>
    public static EventActivityBinder<TInstance> ClearDeadline<TInstance>(this EventActivityBinder<TInstance> binder)
        where TInstance : class, SagaStateMachineInstance
    {
        ArgumentNullException.ThrowIfNull(binder);
        return binder.Then(context => Tracked(context).ClearDeadline());
    }

    /// <summary>Sets the deadline of the saga instance handled in <paramref name="context"/>, for code activities.</summary>
    public static void SetDeadline<TSaga>(this SagaConsumeContext<TSaga> context, DateTimeOffset at, Type timeoutMessageType)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(timeoutMessageType);
        Tracked(context).SetDeadline(at, TimeoutEventType(timeoutMessageType));
    }

    /// <summary>Clears the deadline of the saga instance handled in <paramref name="context"/>, for code activities.</summary>
    public static void ClearDeadline<TSaga>(this SagaConsumeContext<TSaga> context)
        where TSaga : class, ISaga =>
        Tracked(context).ClearDeadline();

    private static TrackedInstance Tracked(PipeContext context) =>
        context.TryGetPayload<TrackedInstance>(out var tracked)
            ? tracked
            : throw new InvalidOperationException(
                "Saga deadlines are kept by the durable saga store: register this saga with .DurableRepository() after services.AddSagaStore(...).");

    private static string TimeoutEventType<TTimeout>(Event<TTimeout> timeout)
        where TTimeout : class
    {
        ArgumentNullException.ThrowIfNull(timeout);
        return TimeoutEventType(typeof(TTimeout));
    }

    // Checked when the state machine is built: a type the sweeper cannot build must never reach a stored deadline.
    private static string TimeoutEventType(Type type)
    {
        TimeoutMessageFactory.EnsureBuildable(type);
        return TimeoutMessageFactory.TypeName(type);
    }
}
