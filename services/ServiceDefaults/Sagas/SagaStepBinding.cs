using MassTransit;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>A step where it is bound in a state machine, with what runs after it succeeds.</summary>
internal sealed record SagaStepBinding<TInstance>(SagaStep<TInstance> Step, IBehavior<TInstance> Continuation)
    where TInstance : class, ISagaStepInstance;
