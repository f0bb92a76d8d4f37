using System.Collections.Concurrent;
using System.Threading.Channels;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// Delivers what the outbox holds. Batches committed outside a consumer (outbox API, deadline sweeps) are sent right after
/// their commit; every <c>OutboxDispatchInterval</c> it claims transactions whose lease has passed (a crash, a broker that
/// was away, another replica's leftovers) and sends those. Confirmed progress is written back in batches.
/// </summary>
internal sealed class OutboxDispatcher : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly DurableSagaStore _store;
    private readonly IServiceProvider _services;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly Channel<OutboxBatch> _ready = Channel.CreateUnbounded<OutboxBatch>(new UnboundedChannelOptions { SingleReader = true });
    // Latest progress per outbox row, until written: a row confirmed here but not yet marked is never claimed again by this process.
    private readonly ConcurrentDictionary<long, OutboxProgress> _progress = new();
    private bool _failureReported;

    public OutboxDispatcher(DurableSagaStore store, IServiceProvider services, ILogger<OutboxDispatcher> logger)
    {
        _store = store;
        _services = services;
        _logger = logger;
    }

    /// <summary>Sends a just-committed batch soon, in the background; if that fails the lease passes and it is claimed again.</summary>
    public void Deliver(OutboxBatch batch) => _ready.Writer.TryWrite(batch);

    /// <summary>Records (soon, in one write with others) how far a batch got.</summary>
    public void Report(OutboxProgress progress) =>
        _progress.AddOrUpdate(progress.Id, progress, (_, known) => known.Complete || known.Delivered >= progress.Delivered ? known : progress);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(DeliverReadyAsync(stoppingToken), DeliverLeftoversAsync(stoppingToken), FlushLoopAsync(stoppingToken));
        }
        finally
        {
            await FlushAsync(CancellationToken.None);
        }
    }

    private async Task DeliverReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in _ready.Reader.ReadAllAsync(cancellationToken))
            {
                if (_services.GetService<IBus>() is { } bus)
                    await DeliverAsync(bus, batch, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverLeftoversAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_store.Options.OutboxDispatchInterval, _store.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!_store.IsReady || _services.GetService<IBusControl>() is not { } bus || bus.CheckHealth().Status == BusHealthStatus.Unhealthy)
                    continue;
                try
                {
                    int claimed;
                    do
                    {
                        var now = _store.Time.GetUtcNow();
                        var leaseUntil = now + _store.Options.OutboxLease;
                        var rows = await _store.Database.ClaimOutboxAsync(now, leaseUntil, _store.Options.OutboxBatchSize, cancellationToken);
                        claimed = rows.Count;
                        foreach (var row in rows)
                        {
                            // Near the end of the lease another dispatcher may claim the rest: leave it rather than send it twice.
                            if (_store.Time.GetUtcNow() >= leaseUntil - _store.Options.OutboxLease / 2)
                                break;
                            var batch = OutboxBatch.Parse(row.Id, row.Origin, row.Delivered, row.Messages);
                            // Confirmed by this process already (its mark is on its way): only the write is missing.
                            if (_progress.TryGetValue(row.Id, out var known))
                            {
                                if (known.Complete)
                                    continue;
                                batch.Delivered = Math.Max(batch.Delivered, known.Delivered);
                            }
                            var delivered = await DeliverAsync(bus, batch, cancellationToken);
                            // Marked at once, while the lease still holds, so it cannot run out on a row that went out.
                            await FlushAsync(cancellationToken);
                            if (!delivered)
                                break;
                        }
                    }
                    while (claimed == _store.Options.OutboxBatchSize && !cancellationToken.IsCancellationRequested);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    _logger.LogError(ex, "Outbox dispatch failed; retrying in {Interval}", _store.Options.OutboxDispatchInterval);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends the batch's remaining messages in order, stopping at the first that fails; true when all went out.</summary>
    private async Task<bool> DeliverAsync(IBus bus, OutboxBatch batch, CancellationToken cancellationToken)
    {
        var start = batch.Delivered;
        try
        {
            foreach (var message in batch.Messages.Skip(batch.Delivered))
            {
                if (message.DestinationAddress is { } destination)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(SagaStoreOutboxObserver.MessageDeliveryTimeout);
                    var endpoint = await bus.GetSendEndpoint(destination);
                    await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, destination), timeout.Token);
                }
                else
                {
                    _logger.LogWarning("Outbox message {MessageId} of {Origin} has no destination; skipped", message.MessageId, batch.Origin);
                }
                batch.Delivered++;
            }
            Report(new OutboxProgress(batch.Id, batch.Delivered, Complete: true));
            if (_failureReported)
            {
                _failureReported = false;
                _logger.LogInformation("Outbox delivery works again");
            }
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (batch.Delivered > start)
                Report(new OutboxProgress(batch.Id, batch.Delivered, Complete: false));
            // Once per outage: the lease brings the batch back, and every retry would say the same.
            if (!_failureReported)
            {
                _failureReported = true;
                _logger.LogWarning(ex, "Outbox delivery of {Origin} (outbox row {Id}) failed; it is retried when its lease of {Lease} passes",
                    batch.Origin, batch.Id, _store.Options.OutboxLease);
            }
            return false;
        }
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, _store.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_progress.IsEmpty || !_store.IsReady)
            return;
        var progress = _progress.Values.Take(1_000).ToList();
        try
        {
            await _store.Database.MarkDeliveredAsync(progress, _store.Time.GetUtcNow(), cancellationToken);
            // Only what was written is forgotten; a newer report for the same row stays for the next flush.
            foreach (var step in progress)
                _progress.TryRemove(new KeyValuePair<long, OutboxProgress>(step.Id, step));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Kept for the next flush; if the process stops first, the rows are delivered again after their lease: a
            // duplicate on the wire that inboxes drop, never a loss.
            _logger.LogWarning(ex, "Marking {Count} outbox rows delivered failed; retrying", progress.Count);
        }
    }
}
