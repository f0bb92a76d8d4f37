using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Hosting;

/// <summary>
/// Publishes each saga's timeout event when its deadline passes. Deadlines are claimed in the database, so with several
/// replicas each one is published by one sweeper, and deadlines set before a restart fire after it.
/// </summary>
internal sealed class DeadlineSweeper : BackgroundService
{
    private readonly DurableSagaStore _store;
    private readonly IServiceProvider _services;
    private readonly ILogger<DeadlineSweeper> _logger;

    public DeadlineSweeper(DurableSagaStore store, IServiceProvider services, ILogger<DeadlineSweeper> logger)
    {
        _store = store;
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
        await _store.EnsureReadyAsync(cancellationToken);
        var bus = _services.GetService<IBus>();
        if (bus is null)
            return;
        foreach (var map in _store.Maps)
        {
            int fired;
            do
            {
                fired = await _store.Database.FireDueDeadlinesAsync(map, _store.Time.GetUtcNow(), _store.Options.SweepBatchSize,
                    deadline => PublishAsync(bus, map, deadline, cancellationToken), cancellationToken);
            }
            while (fired == _store.Options.SweepBatchSize && !cancellationToken.IsCancellationRequested);
        }
    }

    private async Task PublishAsync(IBus bus, SagaMap map, DueDeadline deadline, CancellationToken cancellationToken)
    {
        var type = TimeoutMessageFactory.Resolve(deadline.EventType);
        if (type is null)
        {
            // Retrying cannot make a missing type appear; dropping the deadline keeps the sweep from stalling on it.
            _logger.LogError("Dropped the deadline of {SagaType} {CorrelationId}: its event type {EventType} is not known to this build",
                map.Name, deadline.CorrelationId, deadline.EventType);
            return;
        }
        var message = TimeoutMessageFactory.Create(type, deadline);
        var messageId = MessageIdOf(deadline);
        await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = messageId), cancellationToken);
        _logger.LogInformation("Deadline of {SagaType} {CorrelationId} passed; published {EventType}", map.Name, deadline.CorrelationId, type.Name);
    }

    // The same deadline always yields the same message id, so a consumer can tell a republished timeout from a new one.
    private static Guid MessageIdOf(DueDeadline deadline)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{deadline.CorrelationId:N}/{deadline.DeadlineAt.UtcTicks}/{deadline.EventType}"));
        return new Guid(bytes.AsSpan(0, 16));
    }
}
