using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Chaos.Tests;

/// <summary>
/// The suite's own durable queue on the run's vhost, bound to the flow's announcements: what was registered, served or
/// failed, and how often each message id arrived. Durable, so a broker restart loses nothing of what it saw.
/// </summary>
public sealed class FlowObserver :
    IConsumer<ModelRegistered>, IConsumer<ServingRolloutComplete>, IConsumer<ServingRolloutFailed>, IConsumer<PromotionFailed>, IConsumer<TrainingRunFailed>,
    IAsyncDisposable
{
    private readonly ConcurrentQueue<ObservedEvent> _events = new();
    private IBusControl? _bus;

    public IReadOnlyList<ObservedEvent> Events => _events.ToArray();

    public static async Task<FlowObserver> StartAsync(Uri amqp)
    {
        var observer = new FlowObserver();
        observer._bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(amqp);
            cfg.ReceiveEndpoint("chaos-observer", e => e.Instance(observer));
        });
        await observer._bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return observer;
    }

    /// <summary>The models that have a ServingRolloutComplete.</summary>
    public IReadOnlySet<string> Served() => _events.Where(e => e.Type == nameof(ServingRolloutComplete)).Select(e => e.Model!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every failure announced so far, as one line each.</summary>
    public IReadOnlyList<string> Failures() => _events.Where(e => e.Reason is not null).Select(e => $"{e.Type} {e.Model} {e.Version}: {e.Reason}").ToList();

    public Task Consume(ConsumeContext<ModelRegistered> context) => Add(context, context.Message.FlowId, context.Message.ModelName, context.Message.Version, null);

    public Task Consume(ConsumeContext<ServingRolloutComplete> context) => Add(context, context.Message.FlowId, context.Message.ModelName, context.Message.Version, null);

    public Task Consume(ConsumeContext<ServingRolloutFailed> context) => Add(context, context.Message.FlowId, context.Message.ModelName, context.Message.Version, context.Message.Reason);

    public Task Consume(ConsumeContext<PromotionFailed> context) =>
        Add(context, context.Message.FlowId, context.Message.ModelName, context.Message.Version, $"{context.Message.Step}: {context.Message.Reason}");

    public Task Consume(ConsumeContext<TrainingRunFailed> context) =>
        Add(context, context.Message.FlowId, context.Message.ModelName, null, $"{context.Message.Step}: {context.Message.Reason}");

    private Task Add<T>(ConsumeContext<T> context, Guid flowId, string? model, string? version, string? reason)
        where T : class
    {
        _events.Enqueue(new ObservedEvent(typeof(T).Name, context.MessageId ?? Guid.Empty, flowId, model, version, DateTimeOffset.UtcNow, reason));
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
            await _bus.StopAsync();
    }
}
