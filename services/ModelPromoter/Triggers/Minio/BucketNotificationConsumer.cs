using MassTransit;
using Microsoft.Extensions.Logging;
using Mlops.Contracts.Minio;
using Mlops.ModelPromoter.Sagas;

namespace Mlops.ModelPromoter.Triggers.Minio;

/// <summary>
/// MinIO's bucket events, as MinIO publishes them (raw JSON): an <c>MLmodel</c> in a stack's artifact bucket, under
/// MLflow's layout, is handed to its run's saga (<see cref="RunArtifactStateMachine"/>). Calls nothing outside, so an
/// outage of MLflow never holds an event here; other objects, other buckets and removals are acknowledged and ignored.
/// </summary>
public sealed class BucketNotificationConsumer(KnownStacks stacks, TriggerActivity activity, ILogger<BucketNotificationConsumer> logger)
    : IConsumer<MinioEventNotification>
{
    public async Task Consume(ConsumeContext<MinioEventNotification> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        activity.Seen(PromotionTriggers.Minio);
        var notification = context.Message;
        if (notification.Problem() is { } problem)
            throw new FormatException(new string(problem.Select(c => char.IsControl(c) ? '?' : c).ToArray()));
        foreach (var record in notification.Objects())
            await HandleAsync(context, record);
    }

    private async Task HandleAsync(ConsumeContext context, MinioObjectEvent record)
    {
        if (!record.IsCreated)
        {
            logger.LogDebug("Ignoring {Event} of {Bucket}/{Key}: only created objects can be models", record.EventName, record.BucketName, Printable(record.ObjectKey));
            return;
        }
        var kind = MlflowArtifactKey.Read(record.ObjectKey, out var key, out var why);
        if (kind == MlflowArtifactKey.Kind.Unsafe)
        {
            logger.LogWarning("Ignoring {Event} of {Bucket}/{Key}: the key leaves MLflow's layout ({Why})", record.EventName, record.BucketName, Printable(record.ObjectKey), why);
            return;
        }
        if (kind == MlflowArtifactKey.Kind.Other)
        {
            logger.LogDebug("Ignoring {Event} of {Bucket}/{Key}: {Why}", record.EventName, record.BucketName, Printable(record.ObjectKey), why);
            return;
        }
        var stack = await stacks.ByArtifactBucketAsync(record.BucketName, context.CancellationToken);
        if (stack is null)
        {
            logger.LogDebug("Ignoring {Event} of {Bucket}/{Key}: no known stack keeps its artifacts in bucket {Bucket}",
                record.EventName, record.BucketName, Printable(record.ObjectKey), record.BucketName);
            return;
        }
        await context.Publish(new RunArtifactLogged
        {
            FlowId = Guid.Empty,
            OccurredAt = DateTimeOffset.UtcNow,
            Bucket = record.BucketName,
            ObjectKey = record.ObjectKey,
            EventName = record.EventName,
            ExperimentId = key!.ExperimentId,
            RunId = key.RunId,
            LoggedModelId = key.LoggedModelId,
            ArtifactPath = key.ArtifactPath,
            StackName = stack.StackName,
        });
    }

    private static string Printable(string? value) => PromotionRequestRules.Printable(value);
}
