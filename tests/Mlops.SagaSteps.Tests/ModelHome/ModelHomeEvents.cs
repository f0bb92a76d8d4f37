using System.Collections.Concurrent;
using MassTransit;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>Records what the model home saga published, as another service consuming its events would see it.</summary>
public sealed class ModelHomeEvents : IConsumer<ModelHomeReady>, IConsumer<ModelHomeFailed>
{
    private readonly Observed _observed;

    public ModelHomeEvents(Observed observed) => _observed = observed;

    public Task Consume(ConsumeContext<ModelHomeReady> context)
    {
        _observed.Ready.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ModelHomeFailed> context)
    {
        _observed.Failed.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    /// <summary>Everything received, in arrival order.</summary>
    public sealed class Observed
    {
        public ConcurrentQueue<ModelHomeReady> Ready { get; } = new();

        public ConcurrentQueue<ModelHomeFailed> Failed { get; } = new();
    }
}
