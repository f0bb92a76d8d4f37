using MassTransit;
using MassTransit.SagaStateMachine;
using Mlops.Contracts;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// Outside calls as saga steps in a MassTransit state machine (docs/saga-steps.md):
/// <code>
/// this.UseSagaSteps(Failed, (context, failure) => context.Publish(new StackProvisioningFailed { ..., Step = failure.Step, Reason = failure.Reason }));
/// During(WaitingForStack, When(StackFound).Step(Steps.CreateRun, then => then.TransitionTo(Submitting)));
/// DuringAny(When(StepRetryDue).RetryPendingStep(), When(Replay).ReplayFailedStep());
/// </code>
/// </summary>
public static class SagaStepExtensions
{
    /// <summary>
    /// Declares, once in the constructor and before any step is bound, the state a saga moves to when a step fails for
    /// good and what to do then (for example publish a failure event with the step and the reason).
    /// </summary>
    public static void UseSagaSteps<TInstance>(this MassTransitStateMachine<TInstance> machine, State failedState,
        Func<BehaviorContext<TInstance>, SagaStepFailure, Task>? onFailed = null)
        where TInstance : class, ISagaStepInstance
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(failedState);
        SagaStepPolicy<TInstance>.Register(machine, failedState, onFailed);
    }

    /// <summary>
    /// Runs <paramref name="step"/> here. On success <paramref name="then"/> runs (transition, publish, set data: it sees the
    /// instance, not the message, since it also runs after a retry or a replay); on a transient failure the step is tried
    /// again at a deadline; on a permanent one the saga moves to its failed state. The step ends the chain: what follows
    /// it belongs in <paramref name="then"/>.
    /// </summary>
    public static EventActivities<TInstance> Step<TInstance, TData>(this EventActivityBinder<TInstance, TData> binder, SagaStep<TInstance> step,
        Func<EventActivityBinder<TInstance>, EventActivityBinder<TInstance>>? then = null)
        where TInstance : class, ISagaStepInstance
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(binder);
        return binder.Add(Activity(binder.StateMachine, step, then));
    }

    /// <summary>As <see cref="Step{TInstance,TData}"/>, for data-less chains such as <c>When(Creating.Enter)</c>.</summary>
    public static EventActivities<TInstance> Step<TInstance>(this EventActivityBinder<TInstance> binder, SagaStep<TInstance> step,
        Func<EventActivityBinder<TInstance>, EventActivityBinder<TInstance>>? then = null)
        where TInstance : class, ISagaStepInstance
    {
        ArgumentNullException.ThrowIfNull(binder);
        return binder.Add(Activity(binder.StateMachine, step, then));
    }

    /// <summary>Tries the pending step again when its retry deadline passes; bind it with <c>DuringAny</c>.</summary>
    public static EventActivityBinder<TInstance, SagaStepRetryDue<TInstance>> RetryPendingStep<TInstance>(
        this EventActivityBinder<TInstance, SagaStepRetryDue<TInstance>> binder)
        where TInstance : class, ISagaStepInstance
    {
        ArgumentNullException.ThrowIfNull(binder);
        SagaStepPolicy<TInstance>.Of(binder.StateMachine).RetryBound = true;
        return binder.Add(new SagaStepRetryActivity<TInstance>());
    }

    /// <summary>
    /// Re-runs the failed step from the state it failed in (a fresh deadline, then as any step); bind it with
    /// <c>DuringAny</c>. A replay of a saga that is not failed, a second replay of the same failure, or one meant for
    /// another saga type changes nothing; <see cref="ReplayRefusal{TInstance}"/> says why beforehand.
    /// </summary>
    public static EventActivityBinder<TInstance, ReplaySaga> ReplayFailedStep<TInstance>(this EventActivityBinder<TInstance, ReplaySaga> binder)
        where TInstance : class, ISagaStepInstance
    {
        ArgumentNullException.ThrowIfNull(binder);
        SagaStepPolicy<TInstance>.Of(binder.StateMachine);
        return binder.Add(new SagaStepReplayActivity<TInstance>());
    }

    /// <summary>
    /// Why a replay of <paramref name="instance"/>, now in <paramref name="currentState"/>, would change nothing (what an
    /// ops API answers with 409), or null when it would re-run the failed step.
    /// </summary>
    public static string? ReplayRefusal<TInstance>(this StateMachine<TInstance> machine, TInstance instance, string? currentState)
        where TInstance : class, ISagaStepInstance
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(instance);
        var what = $"{typeof(TInstance).Name} {instance.CorrelationId}";
        if (SagaStepPolicy<TInstance>.Find(machine) is not { } policy)
            return $"{what} runs no saga steps, so there is nothing to replay.";
        if (currentState != policy.FailedState.Name)
            return $"{what} is in state {currentState ?? "(none)"}, not {policy.FailedState.Name}: only a failed saga can be replayed.";
        if (instance.FailedStep is not { } failed)
            return $"{what} is {policy.FailedState.Name} but no failed step is recorded: nothing to replay.";
        if (policy.Binding(failed.Step) is null)
            return $"{what} failed in step '{failed.Step}', which this build does not have.";
        return null;
    }

    /// <summary>Whether a ReplaySaga's SagaType names <typeparamref name="TInstance"/> (its short name, as the saga store lists it, or its full name).</summary>
    public static bool IsSagaType<TInstance>(string? sagaType) =>
        string.Equals(sagaType, typeof(TInstance).Name, StringComparison.Ordinal)
        || string.Equals(sagaType, typeof(TInstance).FullName, StringComparison.Ordinal);

    private static SagaStepActivity<TInstance> Activity<TInstance>(StateMachine<TInstance> machine, SagaStep<TInstance> step,
        Func<EventActivityBinder<TInstance>, EventActivityBinder<TInstance>>? then)
        where TInstance : class, ISagaStepInstance
    {
        ArgumentNullException.ThrowIfNull(step);
        var policy = SagaStepPolicy<TInstance>.Of(machine);
        // The continuation is built once as a behaviour of its own, so a retry or a replay can run it without the
        // message that first reached the step.
        var continuation = new TriggerEventActivityBinder<TInstance>(machine, new TriggerEvent($"{step.Name}.Succeeded"));
        var bound = then?.Invoke(continuation) ?? continuation;
        var builder = new ActivityBehaviorBuilder<TInstance>();
        foreach (var activity in bound.GetStateActivityBinders())
            activity.Bind(builder);
        var binding = new SagaStepBinding<TInstance>(step, builder.Behavior);
        policy.Bind(binding);
        return new SagaStepActivity<TInstance>(binding);
    }
}
