using System.Text.Json;
using System.Threading.Channels;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// The notification configuration of each bucket, and the announcing of object changes to the AMQP targets of the
/// MinIO server that currently is the stand-in. With a file, configurations are kept there and read back at start,
/// as MinIO keeps them in its data directory.
/// </summary>
public sealed class BucketNotifications : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<QueueConfiguration>> _byBucket = new(StringComparer.Ordinal);
    private readonly Func<MinioServerConfiguration> _server;
    private readonly MinioDeployment _deployment;
    private readonly string? _file;
    private readonly Channel<Task<IReadOnlyList<ObjectChange>>> _changes = Channel.CreateUnbounded<Task<IReadOnlyList<ObjectChange>>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _announcer;

    /// <param name="server">The server whose targets receive events, asked at every event (it changes when an in-cluster MinIO starts).</param>
    /// <param name="file">Where configurations are kept across restarts; null keeps them in memory only.</param>
    public BucketNotifications(Func<MinioServerConfiguration> server, MinioDeployment deployment, ILogger logger, string? file = null)
    {
        _server = server;
        _deployment = deployment;
        _logger = logger;
        _file = file;
        Load();
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

    /// <summary>ARNs a bucket may subscribe to, e.g. <c>arn:minio:sqs::PRIMARY:amqp</c>: the current server's targets.</summary>
    public IReadOnlySet<string> Arns => _server().Targets.Select(t => t.Settings.Arn).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<AmqpNotificationTarget> Targets => _server().Targets;

    public void Set(string bucket, IReadOnlyList<QueueConfiguration> queues)
    {
        lock (_gate)
        {
            if (queues.Count == 0)
                _byBucket.Remove(bucket);
            else
                _byBucket[bucket] = queues;
            Save();
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
        var targets = _server().TargetsByArn;
        foreach (var arn in arns)
        {
            if (targets.TryGetValue(arn, out var target))
                target.Enqueue(message);
            else
                _logger.LogError("{Event} on {Bucket} not sent: the server has no target {Arn}", change.EventName, change.Bucket, arn);
        }
    }

    private void Load()
    {
        if (_file is null || !File.Exists(_file))
            return;
        var stored = JsonSerializer.Deserialize<Dictionary<string, List<QueueConfiguration>>>(File.ReadAllText(_file), s_json) ?? [];
        foreach (var (bucket, queues) in stored)
            _byBucket[bucket] = queues;
    }

    // Written whole and renamed into place, so a crash leaves the old file or the new one.
    private void Save()
    {
        if (_file is null)
            return;
        var temporary = _file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_byBucket, s_json));
        File.Move(temporary, _file, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _announcer;
    }
}
