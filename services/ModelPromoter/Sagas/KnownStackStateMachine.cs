using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Contracts;
using Mlops.ModelPromoter.Triggers.Minio;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>Records every <see cref="StackReady"/> as it passes, one instance per stack name; the newest announcement wins.</summary>
public sealed class KnownStackStateMachine : MassTransitStateMachine<KnownStackState>
{
    public KnownStackStateMachine(IOptions<BucketNotificationSettings> minio, ILogger<KnownStackStateMachine> logger)
    {
        ArgumentNullException.ThrowIfNull(minio);
        var exchange = minio.Value.Exchange;
        InstanceState(x => x.CurrentState);
        Event(() => Announced, x => x.CorrelateById(m => SagaIds.ForStack(m.Message.StackName)));

        Initially(When(Announced).Then(context => Record(context.Saga, context.Message, exchange, logger)).TransitionTo(Ready));
        During(Ready, When(Announced).Then(context => Record(context.Saga, context.Message, exchange, logger)));
    }

    public State Ready { get; private set; } = null!;

    public Event<StackReady> Announced { get; private set; } = null!;

    private static void Record(KnownStackState saga, StackReady stack, string exchange, ILogger logger)
    {
        // Later announcements may arrive first (no order across transitions): the newest one is what the stack is.
        if (saga.Stack is not null && saga.Stack.OccurredAt > stack.OccurredAt)
            return;
        saga.FlowId = stack.FlowId;
        saga.StackName = stack.StackName;
        saga.ArtifactBucket = stack.ArtifactBucket;
        saga.Stack = stack;
        saga.AnnouncedAt = stack.OccurredAt;
        if (!string.Equals(stack.MinioExchange, exchange, StringComparison.Ordinal))
        {
            logger.LogWarning(
                "Stack {Stack} has MinIO publish to exchange {StackExchange}, but the promoter listens on {Exchange}: its bucket events will not arrive; set {Setting} or change the stack file",
                stack.StackName, stack.MinioExchange, exchange, $"{BucketNotificationSettings.Section}:{nameof(BucketNotificationSettings.Exchange)}");
        }
    }
}
