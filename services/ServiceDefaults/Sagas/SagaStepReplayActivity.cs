using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// Re-runs the failed step of a failed instance from the state it failed in, with a fresh deadline; anything else (a
/// saga that is not failed, a replay already done, another saga type) changes nothing.
/// </summary>
internal sealed class SagaStepReplayActivity<TInstance> : IStateMachineActivity<TInstance, ReplaySaga>
    where TInstance : class, ISagaStepInstance
{
    public async Task Execute(BehaviorContext<TInstance, ReplaySaga> context, IBehavior<TInstance, ReplaySaga> next)
    {
        var logger = SagaStepRunner.ServicesOf(context).GetService<ILoggerFactory>()?.CreateLogger("Mlops.ServiceDefaults.Sagas.SagaSteps");
        if (!SagaStepExtensions.IsSagaType<TInstance>(context.Message.SagaType))
        {
            // Every saga type of a service that takes ReplaySaga sees each one; only the named type acts on it.
            logger?.LogDebug("Replay of {CorrelationId} is meant for {SagaType}, not {OwnType}", context.Saga.CorrelationId,
                context.Message.SagaType, typeof(TInstance).Name);
            await next.Execute(context);
            return;
        }
        var state = (await context.StateMachine.Accessor.Get(context)).Name;
        if (context.StateMachine.ReplayRefusal(context.Saga, state) is { } refusal)
        {
            logger?.LogInformation("Replay of {SagaType} {CorrelationId} asked by {RequestedBy} changes nothing: {Refusal}",
                typeof(TInstance).Name, context.Saga.CorrelationId, context.Message.RequestedBy, refusal);
            await next.Execute(context);
            return;
        }
        var failed = context.Saga.FailedStep!;
        var binding = SagaStepPolicy<TInstance>.Of(context.StateMachine).Binding(failed.Step)!;
        logger?.LogInformation("Replaying step {Step} of {SagaType} {CorrelationId} in {State}, asked by {RequestedBy}; it failed with: {Reason}",
            failed.Step, typeof(TInstance).Name, context.Saga.CorrelationId, failed.State, context.Message.RequestedBy, failed.Reason);
        // Back to where it failed without entering it again: entering could run the step a second time.
        await context.StateMachine.Accessor.Set(context, context.StateMachine.GetState(failed.State));
        context.Saga.FailedStep = null;
        context.Saga.PendingStep = null;
        await SagaStepRunner.RunAsync(context, binding, SagaStepRunner.Mode.Replay);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<TInstance, ReplaySaga, TException> context, IBehavior<TInstance, ReplaySaga> next)
        where TException : Exception =>
        next.Faulted(context);

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    public void Probe(ProbeContext context) => context.CreateScope("saga-step-replay");
}
