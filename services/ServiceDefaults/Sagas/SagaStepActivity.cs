using MassTransit;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>Runs a bound step where its chain reaches it; the step's continuation replaces the rest of the chain.</summary>
internal sealed class SagaStepActivity<TInstance>(SagaStepBinding<TInstance> binding) : IStateMachineActivity<TInstance>
    where TInstance : class, ISagaStepInstance
{
    public Task Execute(BehaviorContext<TInstance> context, IBehavior<TInstance> next) =>
        SagaStepRunner.RunAsync(context, binding, SagaStepRunner.Mode.First);

    public Task Execute<T>(BehaviorContext<TInstance, T> context, IBehavior<TInstance, T> next)
        where T : class =>
        SagaStepRunner.RunAsync(context, binding, SagaStepRunner.Mode.First);

    public Task Faulted<TException>(BehaviorExceptionContext<TInstance, TException> context, IBehavior<TInstance> next)
        where TException : Exception =>
        next.Faulted(context);

    public Task Faulted<T, TException>(BehaviorExceptionContext<TInstance, T, TException> context, IBehavior<TInstance, T> next)
        where T : class
        where TException : Exception =>
        next.Faulted(context);

    // The continuation is visited too, so a graph of the machine shows where a step goes when it succeeds.
    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this, _ => binding.Continuation.Accept(visitor));

    public void Probe(ProbeContext context) => context.CreateScope("saga-step").Add("step", binding.Step.Name);
}
