using System.Collections.Concurrent;
using MassTransit;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>
/// Records every <see cref="ServeModelVersion"/> the promotion hands to the serving saga, on a queue of its own beside the
/// real serving saga, which answers it; so a test sees what was asked of serving without taking its place.
/// </summary>
public sealed class ServingRequests : IConsumer<ServeModelVersion>
{
    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<ServeModelVersion> Requests { get; } = new();

    public IReadOnlyList<ServeModelVersion> For(string model) => Requests.Where(r => r.ModelName == model).ToList();

    public Task Consume(ConsumeContext<ServeModelVersion> context)
    {
        Requests.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}
