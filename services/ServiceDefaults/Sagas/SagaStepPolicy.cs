using System.Runtime.CompilerServices;
using MassTransit;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// What one state machine does with its steps: the failed state, the default failure callback, and every bound step by
/// name, so a retry or a replay finds the step and its continuation from the name kept in the instance.
/// </summary>
internal sealed class SagaStepPolicy<TInstance>
    where TInstance : class, ISagaStepInstance
{
    private static readonly ConditionalWeakTable<StateMachine<TInstance>, SagaStepPolicy<TInstance>> Policies = new();

    private readonly Dictionary<string, SagaStepBinding<TInstance>> _bindings = new(StringComparer.Ordinal);

    private SagaStepPolicy(State failedState, Func<BehaviorContext<TInstance>, SagaStepFailure, Task>? onFailed)
    {
        FailedState = failedState;
        OnFailed = onFailed;
    }

    public State FailedState { get; }

    public Func<BehaviorContext<TInstance>, SagaStepFailure, Task>? OnFailed { get; }

    /// <summary>Whether a <c>RetryPendingStep()</c> is bound, without which a transient failure could never be retried.</summary>
    public bool RetryBound { get; set; }

    public static void Register(StateMachine<TInstance> machine, State failedState, Func<BehaviorContext<TInstance>, SagaStepFailure, Task>? onFailed)
    {
        if (!Policies.TryAdd(machine, new SagaStepPolicy<TInstance>(failedState, onFailed)))
            throw new InvalidOperationException($"{machine.GetType().Name} already called UseSagaSteps: call it once, in the constructor.");
    }

    public static SagaStepPolicy<TInstance>? Find(StateMachine<TInstance> machine) => Policies.TryGetValue(machine, out var policy) ? policy : null;

    public static SagaStepPolicy<TInstance> Of(StateMachine<TInstance> machine) =>
        Find(machine) ?? throw new InvalidOperationException(
            $"{machine.GetType().Name} binds saga steps without UseSagaSteps: call this.UseSagaSteps(Failed, ...) first in its constructor.");

    public void Bind(SagaStepBinding<TInstance> binding)
    {
        if (!_bindings.TryAdd(binding.Step.Name, binding))
        {
            throw new InvalidOperationException(
                $"Step '{binding.Step.Name}' is bound twice in one state machine; a retry could not tell which continuation to run. " +
                "Bind it once (During(A, B, ...) takes several states) or declare a second step.");
        }
    }

    public SagaStepBinding<TInstance>? Binding(string step) => _bindings.GetValueOrDefault(step);
}
