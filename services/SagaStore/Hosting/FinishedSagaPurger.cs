using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.SagaStore.Hosting;

/// <summary>
/// Cleans the store every <c>SagaStore:PurgeInterval</c>: finished saga instances (with their history) older than
/// <c>KeepFinishedFor</c>, inbox rows and outbox API records older than <c>InboxKeepFor</c>, and outbox rows delivered
/// longer ago than <c>OutboxKeepDeliveredFor</c>.
/// </summary>
internal sealed class FinishedSagaPurger : BackgroundService
{
    private readonly DurableSagaStore _store;
    private readonly ILogger<FinishedSagaPurger> _logger;

    public FinishedSagaPurger(DurableSagaStore store, ILogger<FinishedSagaPurger> logger)
    {
        _store = store;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _store.Options;
        using var timer = new PeriodicTimer(options.PurgeInterval, _store.Time);
        do
        {
            if (!_store.IsReady)
                continue;
            try
            {
                var now = _store.Time.GetUtcNow();
                if (options.KeepFinishedFor is { } keep)
                {
                    foreach (var map in _store.Maps)
                    {
                        var purged = await _store.Database.PurgeFinishedAsync(map, now - keep, stoppingToken);
                        if (purged > 0)
                            _logger.LogInformation("Purged {Count} {SagaType} instances finished before {Before}", purged, map.Name, now - keep);
                    }
                }
                var cleaned = await _store.Database.CleanupAsync(now - options.InboxKeepFor, now - options.OutboxKeepDeliveredFor, stoppingToken);
                if (cleaned.InboxRows + cleaned.Records + cleaned.OutboxRows > 0)
                {
                    _logger.LogInformation("Cleaned {Inbox} inbox rows, {Records} outbox API records and {Outbox} delivered outbox rows",
                        cleaned.InboxRows, cleaned.Records, cleaned.OutboxRows);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Cleaning the saga store failed; retrying in {Interval}", options.PurgeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
