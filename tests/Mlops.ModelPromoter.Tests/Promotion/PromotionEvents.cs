using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>Every promotion and rollout event that reached the test's own bus, as another service or the dashboard would see them.</summary>
public sealed class PromotionEvents :
    IConsumer<PromotionStarted>,
    IConsumer<PromotionFailed>,
    IConsumer<PromotionAwaitingApproval>,
    IConsumer<RegistryAliasWriteSettled>,
    IConsumer<ServingRolloutComplete>
{
    public ConcurrentQueue<PromotionStarted> Started { get; } = new();

    public ConcurrentQueue<PromotionFailed> Failed { get; } = new();

    public ConcurrentQueue<PromotionAwaitingApproval> AwaitingApproval { get; } = new();

    /// <summary>A promotion settled by the serving saga's answer (the promoter's own message, seen on the wire).</summary>
    public ConcurrentQueue<RegistryAliasWriteSettled> Settled { get; } = new();

    /// <summary>Every version a model server now serves, as the dashboard and the other services hear it.</summary>
    public ConcurrentQueue<ServingRolloutComplete> Completed { get; } = new();

    public Task Consume(ConsumeContext<PromotionStarted> context) => Record(Started, context.Message);

    public Task Consume(ConsumeContext<PromotionFailed> context) => Record(Failed, context.Message);

    public Task Consume(ConsumeContext<PromotionAwaitingApproval> context) => Record(AwaitingApproval, context.Message);

    public Task Consume(ConsumeContext<RegistryAliasWriteSettled> context) => Record(Settled, context.Message);

    public Task Consume(ConsumeContext<ServingRolloutComplete> context) => Record(Completed, context.Message);

    private static Task Record<T>(ConcurrentQueue<T> queue, T message)
    {
        queue.Enqueue(message);
        return Task.CompletedTask;
    }
}
