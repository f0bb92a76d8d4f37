using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>Tries the instance's pending step again when its retry deadline passes; stale or orphaned retries change nothing.</summary>
internal sealed class SagaStepRetryActivity<TInstance> : IStateMachineActivity<TInstance, SagaStepRetryDue<TInstance>>
    where TInstance : class, ISagaStepInstance
{
    public async Task Execute(BehaviorContext<TInstance, SagaStepRetryDue<TInstance>> context, IBehavior<TInstance, SagaStepRetryDue<TInstance>> next)
    {
        var pending = context.Saga.PendingStep;
        // A retry that is not the one pending: a redelivery of an older deadline, or one whose step finished another way.
        if (pending?.NextAttemptAt is not { } due || context.Message.DeadlineAt.ToUnixTimeMilliseconds() < due.ToUnixTimeMilliseconds())
        {
            await next.Execute(context);
            return;
        }
        var state = (await context.StateMachine.Accessor.Get(context)).Name;
        var binding = SagaStepPolicy<TInstance>.Of(context.StateMachine).Binding(pending.Step);
        if (state != pending.State || binding is null)
        {
            // The saga moved on (cancelled, say) or this build has no such step: nothing to retry.
            var logger = SagaStepRunner.ServicesOf(context).GetService<ILoggerFactory>()?.CreateLogger("Mlops.ServiceDefaults.Sagas.SagaSteps");
            logger?.LogInformation("Dropped the retry of step {Step} of {SagaType} {CorrelationId}: {Why}", pending.Step, typeof(TInstance).Name,
                context.Saga.CorrelationId, binding is null ? "the step is not bound in this build" : $"the saga is in {state}, not {pending.State}");
            context.Saga.PendingStep = null;
            await next.Execute(context);
            return;
        }
        await SagaStepRunner.RunAsync(context, binding, SagaStepRunner.Mode.Retry);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<TInstance, SagaStepRetryDue<TInstance>, TException> context,
        IBehavior<TInstance, SagaStepRetryDue<TInstance>> next)
        where TException : Exception =>
        next.Faulted(context);

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    public void Probe(ProbeContext context) => context.CreateScope("saga-step-retry");
}
