using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>Every event of the training flow that reached the test's own bus, as another service would see them.</summary>
public sealed class FlowRecorder :
    IConsumer<TrainingRunStarted>,
    IConsumer<TrainingJobSubmitted>,
    IConsumer<TrainingRunSucceeded>,
    IConsumer<TrainingRunFailed>,
    IConsumer<ModelRegistered>
{
    public ConcurrentQueue<TrainingRunStarted> Started { get; } = new();

    public ConcurrentQueue<TrainingJobSubmitted> Submitted { get; } = new();

    public ConcurrentQueue<TrainingRunSucceeded> Succeeded { get; } = new();

    public ConcurrentQueue<TrainingRunFailed> Failed { get; } = new();

    public ConcurrentQueue<ModelRegistered> Registered { get; } = new();

    public Task Consume(ConsumeContext<TrainingRunStarted> context) => Record(Started, context.Message);

    public Task Consume(ConsumeContext<TrainingJobSubmitted> context) => Record(Submitted, context.Message);

    public Task Consume(ConsumeContext<TrainingRunSucceeded> context) => Record(Succeeded, context.Message);

    public Task Consume(ConsumeContext<TrainingRunFailed> context) => Record(Failed, context.Message);

    public Task Consume(ConsumeContext<ModelRegistered> context) => Record(Registered, context.Message);

    private static Task Record<T>(ConcurrentQueue<T> queue, T message)
    {
        queue.Enqueue(message);
        return Task.CompletedTask;
    }
}
