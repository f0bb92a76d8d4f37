using System.Globalization;
using System.Text;
using System.Threading.Channels;
using RabbitMQ.Client;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// Publishes event messages to RabbitMQ as MinIO's AMQP target does: one connection, a channel per send, the exchange
/// declared with the configured type and flags before every publish, content type application/json, headers
/// <c>minio-bucket</c> and <c>minio-event</c>, no message id, the configured delivery mode. Messages leave in the order
/// they were queued. With a queue directory they are stored first and resent until the broker takes them; without
/// one, a message that cannot be sent is lost (MinIO logs it and moves on). <see cref="EventDelivery"/> can make each
/// message leave several times and shuffle the order of messages queued close together.
/// </summary>
public sealed class AmqpNotificationTarget : IAsyncDisposable
{
    private readonly Channel<MinioEventMessage> _queue = Channel.CreateUnbounded<MinioEventMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Task _sender;
    private IConnection? _connection;
    private long _stored;
    private long _sent;

    public AmqpNotificationTarget(AmqpTargetSettings settings, ILogger logger, TimeProvider time, EventDelivery? delivery = null)
    {
        Settings = settings;
        Delivery = delivery ?? EventDelivery.InWriteOrder;
        _logger = logger;
        _time = time;
        if (settings.QueueDirectory is { } directory)
            Directory.CreateDirectory(directory);
        _sender = Task.Run(() => SendAllAsync(_stopping.Token));
    }

    public AmqpTargetSettings Settings { get; }

    public EventDelivery Delivery { get; }

    /// <summary>How long a stored event waits before the next try while the broker is away.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages the broker has taken so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public void Enqueue(MinioEventMessage message)
    {
        for (var copy = 0; copy < Delivery.Copies; copy++)
            _queue.Writer.TryWrite(message);
    }

    private async Task SendAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            // What an earlier run stored and could not send goes first, as MinIO replays its queue_dir at start.
            if (Settings.QueueDirectory is not null)
                await SendStoredAsync(cancellationToken);
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                foreach (var message in EventDelivery.Shuffle(await NextBatchAsync(cancellationToken)))
                {
                    if (Settings.QueueDirectory is null)
                    {
                        try
                        {
                            await PublishAsync(message, cancellationToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            _logger.LogError(ex, "Dropped {Event} on {Bucket} for {Arn}: the broker did not take it", message.Event, message.Bucket, Settings.Arn);
                        }
                        continue;
                    }
                    await StoreAsync(message, cancellationToken);
                }
                if (Settings.QueueDirectory is not null)
                    await SendStoredAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what is stored stays for the next start, as with MinIO's queue_dir.
        }
    }

    // The queued messages; with a shuffle window, also those that arrive within it after the first.
    private async Task<List<MinioEventMessage>> NextBatchAsync(CancellationToken cancellationToken)
    {
        var batch = new List<MinioEventMessage>();
        while (_queue.Reader.TryRead(out var queued))
            batch.Add(queued);
        if (Delivery.ShuffleWindow <= TimeSpan.Zero || batch.Count == 0)
            return batch;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(Delivery.ShuffleWindow);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(window.Token))
            {
                while (_queue.Reader.TryRead(out var queued))
                    batch.Add(queued);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The window is over.
        }
        return batch;
    }

    private async Task StoreAsync(MinioEventMessage message, CancellationToken cancellationToken)
    {
        var directory = Settings.QueueDirectory!;
        if (Settings.QueueLimit > 0 && Directory.GetFiles(directory, "*.event").Length >= Settings.QueueLimit)
        {
            _logger.LogError("Queue directory {Directory} is full ({Limit}); dropped {Event}", directory, Settings.QueueLimit, message.Event);
            return;
        }
        var name = $"{_time.GetUtcNow().UtcTicks:D20}-{Interlocked.Increment(ref _stored):D10}.event";
        var lines = string.Join('\n', message.Bucket, message.Event, message.Body);
        await File.WriteAllTextAsync(Path.Combine(directory, name), lines, cancellationToken);
    }

    private async Task SendStoredAsync(CancellationToken cancellationToken)
    {
        // Until the directory is empty: events stored while the broker was away are sent in the same pass.
        string[] stored;
        while ((stored = [.. Directory.GetFiles(Settings.QueueDirectory!, "*.event").Order(StringComparer.Ordinal)]).Length > 0)
        {
            foreach (var path in stored)
                await SendStoredAsync(path, cancellationToken);
        }
    }

    private async Task SendStoredAsync(string path, CancellationToken cancellationToken)
    {
        var parts = (await File.ReadAllTextAsync(path, cancellationToken)).Split('\n', 3);
        var message = new MinioEventMessage(parts[0], parts[1], parts[2]);
        while (true)
        {
            try
            {
                await PublishAsync(message, cancellationToken);
                File.Delete(path);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning("Broker unavailable for {Arn}, keeping {Event} in {Directory}: {Error}", Settings.Arn, message.Event, Settings.QueueDirectory, ex.Message);
                // Events written meanwhile are stored too, so a restart of the server during the outage keeps them.
                foreach (var queued in EventDelivery.Shuffle(await NextBatchAsync(cancellationToken)))
                    await StoreAsync(queued, cancellationToken);
                await Task.Delay(RetryInterval, _time, cancellationToken);
            }
        }
    }

    private async Task PublishAsync(MinioEventMessage message, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken);
        var options = new CreateChannelOptions(publisherConfirmationsEnabled: Settings.PublisherConfirms, publisherConfirmationTrackingEnabled: Settings.PublisherConfirms);
        await using var channel = await connection.CreateChannelAsync(options, cancellationToken);
        await channel.ExchangeDeclareAsync(Settings.Exchange, Settings.ExchangeType, Settings.Durable, Settings.AutoDeleted, arguments: null, cancellationToken: cancellationToken);
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Headers = new Dictionary<string, object?>
            {
                ["minio-bucket"] = message.Bucket,
                ["minio-event"] = message.Event,
            },
        };
        if (Settings.DeliveryMode != 0)
            properties.DeliveryMode = (DeliveryModes)Settings.DeliveryMode;
        await channel.BasicPublishAsync(Settings.Exchange, Settings.RoutingKey, Settings.Mandatory, properties, Encoding.UTF8.GetBytes(message.Body), cancellationToken);
        await channel.CloseAsync(cancellationToken);
        Interlocked.Increment(ref _sent);
    }

    private async Task<IConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true })
            return _connection;
        if (_connection is not null)
            await _connection.DisposeAsync();
        var factory = new ConnectionFactory
        {
            Uri = Settings.Url,
            ClientProvidedName = string.Create(CultureInfo.InvariantCulture, $"minio-sandbox {Settings.Arn}"),
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        return _connection;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            // Let queued events go out before the connection closes.
            await _sender.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
            await _sender;
        }
        if (_connection is not null)
            await _connection.DisposeAsync();
        _stopping.Dispose();
    }
}
