using Microsoft.Extensions.DependencyInjection;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// What a step sees: the saga instance (the only input, so it can run again without the message that started it), the
/// services of the message's scope and the cancellation of the consumer. A step publishes nothing itself: what it
/// announces belongs in the continuation given where it is bound, which runs only once it succeeded.
/// </summary>
public sealed class SagaStepContext<TInstance>
    where TInstance : class, ISagaStepInstance
{
    internal SagaStepContext(TInstance saga, string step, int attempt, IServiceProvider services, CancellationToken cancellationToken)
    {
        Saga = saga;
        Step = step;
        Attempt = attempt;
        Services = services;
        CancellationToken = cancellationToken;
    }

    /// <summary>The instance; the step may set its data.</summary>
    public TInstance Saga { get; }

    public string Step { get; }

    /// <summary>1 for the first attempt of this run of the step, then counting up with each retry.</summary>
    public int Attempt { get; }

    public IServiceProvider Services { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>A service of the message's scope, e.g. the Kubernetes or MLflow client.</summary>
    public T GetRequiredService<T>() where T : notnull => Services.GetRequiredService<T>();
}
