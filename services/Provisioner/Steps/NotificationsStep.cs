using Microsoft.Extensions.Logging;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Minio.Exceptions;
using Mlops.Clients.Minio;
using Mlops.Contracts;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// Each bucket's notification rules, sent to the stack's MinIO target (an AMQP target, <c>arn:minio:sqs::&lt;id&gt;:amqp</c>):
/// written with the Minio SDK only when they differ from the bucket's, merged with what the bucket already has (other
/// targets' rules are kept). A MinIO without the target refuses; the failure names the server settings to add.
/// </summary>
public sealed class NotificationsStep(IMinioStorage minio, ILogger<NotificationsStep> logger) : IStackStep
{
    public static string ArnOf(MinioTargetSpec target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"arn:minio:sqs::{target.Id}:amqp";
    }

    public async Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var arn = ArnOf(run.Stack.Minio.Target);
        foreach (var bucket in run.Stack.Buckets.Where(b => b.Notifications.Count > 0))
        {
            var current = await minio.GetQueueSubscriptionsAsync(bucket.Name, run.CancellationToken);
            var ours = current.Where(s => s.Arn == arn).Select(Rule.Of).ToHashSet();
            var wanted = bucket.Notifications.Select(n => Rule.Of(n.Events, n.Prefix, n.Suffix)).ToHashSet();
            if (ours.SetEquals(wanted))
                continue;
            var what = ours.Count == 0
                ? $"bucket {bucket.Name}: the notification to {arn} was missing"
                : $"bucket {bucket.Name}: the notification to {arn} differed from the stack's";
            if (!run.Applies)
                throw run.NotAsDescribed(what);
            await WriteAsync(run, bucket, arn);
            run.Changed(run.Reconciling ? $"{what}; restored" : $"bucket {bucket.Name}: notification to {arn} set");
        }
    }

    private async Task WriteAsync(StackStepRun run, BucketSpec bucket, string arn)
    {
        // Read again right before the write, so a configuration another target wrote meanwhile is kept.
        var client = minio.Client;
        var current = await client.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket.Name), run.CancellationToken);
        var merged = new BucketNotification();
        foreach (var queue in (current.QueueConfigs ?? []).Where(q => q.Queue != arn))
            merged.AddQueue(queue);
        foreach (var topic in current.TopicConfigs ?? [])
            merged.AddTopic(topic);
        foreach (var lambda in current.LambdaConfigs ?? [])
            merged.AddLambda(lambda);
        for (var i = 0; i < bucket.Notifications.Count; i++)
        {
            var rule = bucket.Notifications[i];
            var queue = new QueueConfig(arn) { Id = $"mlops-{run.Stack.StackName}-{i}" };
            queue.AddEvents(rule.Events.Select(e => new EventType(e)).ToList());
            if (!string.IsNullOrEmpty(rule.Prefix))
                queue.AddFilterPrefix(rule.Prefix);
            if (!string.IsNullOrEmpty(rule.Suffix))
                queue.AddFilterSuffix(rule.Suffix);
            merged.AddQueue(queue);
        }
        try
        {
            await client.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket.Name).WithBucketNotificationConfiguration(merged),
                run.CancellationToken);
        }
        catch (MinioException ex) when (ex.Response?.Code == "InvalidArgument")
        {
            logger.LogWarning("MinIO refused the notification of bucket {Bucket} to {Arn} ({Message}); it needs these server settings: {Settings}",
                bucket.Name, arn, ex.Response.Message, string.Join(", ", TargetSettings(run.Stack.Minio.Target)));
            throw StackStepRun.Fail($"bucket {bucket.Name}: {MissingTarget(run.Stack.Minio.Target)}");
        }
    }

    /// <summary>What a failure says when MinIO has no such target: the settings to add, in one line.</summary>
    public static string MissingTarget(MinioTargetSpec target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var id = target.Id;
        return $"MinIO has no AMQP target {id}: set MINIO_NOTIFY_AMQP_ENABLE_{id}=on with _URL_{id}, _EXCHANGE_{id}={target.Exchange}, " +
               $"_EXCHANGE_TYPE_{id}={target.ExchangeType}, _DURABLE_{id}={(target.Durable ? "on" : "off")}, _DELIVERY_MODE_{id}={target.DeliveryMode}, " +
               $"_QUEUE_DIR_{id}={target.QueueDir} on the server, then replay";
    }

    /// <summary>The MinIO server settings of the stack's target (the URL's value stays a placeholder: it holds the broker's password).</summary>
    public static IReadOnlyList<string> TargetSettings(MinioTargetSpec target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var id = target.Id;
        var settings = new List<string>
        {
            $"MINIO_NOTIFY_AMQP_ENABLE_{id}=on",
            $"MINIO_NOTIFY_AMQP_URL_{id}=amqp://<user>:<password>@<broker>:5672/<vhost>",
            $"MINIO_NOTIFY_AMQP_EXCHANGE_{id}={target.Exchange}",
            $"MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_{id}={target.ExchangeType}",
            $"MINIO_NOTIFY_AMQP_DURABLE_{id}={(target.Durable ? "on" : "off")}",
            $"MINIO_NOTIFY_AMQP_DELIVERY_MODE_{id}={target.DeliveryMode}",
            $"MINIO_NOTIFY_AMQP_QUEUE_DIR_{id}={target.QueueDir}",
        };
        if (target.RoutingKey is { Length: > 0 } routingKey)
            settings.Add($"MINIO_NOTIFY_AMQP_ROUTING_KEY_{id}={routingKey}");
        return settings;
    }

    /// <summary>A rule compared by what it does: its events (in any order) and its filters.</summary>
    private sealed record Rule(string Events, string Prefix, string Suffix)
    {
        public static Rule Of(BucketQueueSubscription s) => Of(s.Events, s.Prefix, s.Suffix);

        public static Rule Of(IEnumerable<string> events, string? prefix, string? suffix) =>
            new(string.Join(",", events.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), prefix ?? "", suffix ?? "");
    }
}
