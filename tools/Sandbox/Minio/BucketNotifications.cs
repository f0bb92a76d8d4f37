using System.Threading.Channels;

namespace Mlops.Sandbox.Minio;

/// <summary>The notification configuration of each bucket and the AMQP targets events go to.</summary>
public sealed class BucketNotifications : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<QueueConfiguration>> _byBucket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AmqpNotificationTarget> _targets;
    private readonly MinioDeployment _deployment;
    private readonly Channel<Task<IReadOnlyList<ObjectChange>>> _changes = Channel.CreateUnbounded<Task<IReadOnlyList<ObjectChange>>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _announcer;

    public BucketNotifications(IEnumerable<AmqpNotificationTarget> targets, MinioDeployment deployment, ILogger logger)
    {
        _targets = targets.ToDictionary(t => t.Settings.Arn, StringComparer.Ordinal);
        _deployment = deployment;
        _logger = logger;
        _announcer = Task.Run(AnnounceAllAsync);
    }

    /// <summary>
    /// Queues changes whose details are still being read; they are announced in the order queued, so an object
    /// written after another is announced after it (MLflow writes MLmodel last, and consumers rely on that).
    /// </summary>
    public void Enqueue(Task<IReadOnlyList<ObjectChange>> changes) => _changes.Writer.TryWrite(changes);

    private async Task AnnounceAllAsync()
    {
        await foreach (var pending in _changes.Reader.ReadAllAsync())
        {
            try
            {
                foreach (var change in await pending)
                    Announce(change);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                _logger.LogError(ex, "Could not read the details of a changed object; no event sent");
            }
        }
    }

    /// <summary>ARNs a bucket may subscribe to, e.g. <c>arn:minio:sqs::PRIMARY:amqp</c>.</summary>
    public IReadOnlySet<string> Arns => _targets.Keys.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<AmqpNotificationTarget> Targets => _targets.Values.ToList();

    public void Set(string bucket, IReadOnlyList<QueueConfiguration> queues)
    {
        lock (_gate)
        {
            if (queues.Count == 0)
                _byBucket.Remove(bucket);
            else
                _byBucket[bucket] = queues;
        }
    }

    public IReadOnlyList<QueueConfiguration> Get(string bucket)
    {
        lock (_gate)
            return _byBucket.GetValueOrDefault(bucket) ?? [];
    }

    /// <summary>Hands the event of <paramref name="change"/> to each target whose subscription matches, once per target.</summary>
    public void Announce(ObjectChange change)
    {
        var arns = Get(change.Bucket).Where(q => q.Matches(change.EventName, change.Key)).Select(q => q.Arn).Distinct(StringComparer.Ordinal).ToList();
        if (arns.Count == 0)
            return;
        var message = MinioEventMessage.For(change, _deployment);
        foreach (var arn in arns)
        {
            if (_targets.TryGetValue(arn, out var target))
                target.Enqueue(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _announcer;
        foreach (var target in _targets.Values)
            await target.DisposeAsync();
    }
}
