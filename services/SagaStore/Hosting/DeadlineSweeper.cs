using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Outbox;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Hosting;

/// <summary>
/// Publishes each saga's timeout event when its deadline passes, through the outbox: the timeout is written in the same
/// transaction that clears the deadline, then delivered. Deadlines are claimed in the database (SKIP LOCKED on PostgreSQL),
/// and the message id comes from (saga, deadline), so with several sweepers, or a crash mid-sweep, the saga's inbox lets
/// each deadline change the saga at most once. A deadline whose message cannot be built is quarantined, not retried.
/// </summary>
internal sealed class DeadlineSweeper : BackgroundService
{
    private readonly DurableSagaStore _store;
    private readonly OutboxDispatcher _dispatcher;
    private readonly IServiceProvider _services;
    private readonly ILogger<DeadlineSweeper> _logger;

    public DeadlineSweeper(DurableSagaStore store, OutboxDispatcher dispatcher, IServiceProvider services, ILogger<DeadlineSweeper> logger)
    {
        _store = store;
        _dispatcher = dispatcher;
        _services = services;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store.Maps.Count == 0)
            return;
        using var timer = new PeriodicTimer(_store.Options.SweepInterval, _store.Time);
        do
        {
            // The initializer reports an unreachable store once; sweeping meanwhile would only repeat it every second.
            if (!_store.IsReady)
                continue;
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Deadline sweep failed; retrying in {Interval}", _store.Options.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (_services.GetService<IBus>() is not { } bus)
            return;
        foreach (var map in _store.Maps)
        {
            int claimed;
            do
            {
                var now = _store.Time.GetUtcNow();
                var firings = await _store.Database.FireDueDeadlinesAsync(map, now, _store.Options.SweepBatchSize,
                    deadline => BuildAsync(bus, map, deadline, now, cancellationToken), cancellationToken);
                claimed = firings.Count;
                foreach (var firing in firings)
                {
                    if (firing.Timeout is { } timeout)
                    {
                        _dispatcher.Deliver(timeout);
                        _logger.LogInformation("Deadline of {SagaType} {CorrelationId} passed; {EventType} is in the outbox",
                            map.Name, firing.Deadline.CorrelationId, timeout.Messages[0].MessageType.Split(';')[0]);
                    }
                    else
                    {
                        _logger.LogError("Quarantined the deadline of {SagaType} {CorrelationId}: {Error}. The other deadlines fire as usual; " +
                            "the saga's next deadline change lifts the quarantine", map.Name, firing.Deadline.CorrelationId, firing.Error);
                    }
                }
            }
            while (claimed == _store.Options.SweepBatchSize && !cancellationToken.IsCancellationRequested);
        }
    }

    private async Task<OutboxBatch> BuildAsync(IBus bus, SagaMap map, DueDeadline deadline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var type = TimeoutMessageFactory.Resolve(deadline.EventType)
            ?? throw new InvalidOperationException($"the event type {deadline.EventType} is not known to this build");
        TimeoutMessageFactory.EnsureBuildable(type);
        var message = TimeoutMessageFactory.Create(type, deadline, now);
        var capture = new OutboxCapture(bus, _services);
        var messageId = MessageIdOf(deadline);
        await capture.Publisher.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = messageId), cancellationToken);
        return new OutboxBatch($"deadline of {map.Name}", capture.Messages.ToArray());
    }

    // The same deadline always yields the same message id, so the saga's inbox takes a repeated timeout as a duplicate.
    private static Guid MessageIdOf(DueDeadline deadline)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{deadline.CorrelationId:N}/{deadline.DeadlineAt.UtcTicks}/{deadline.EventType}"));
        return new Guid(bytes.AsSpan(0, 16));
    }
}
