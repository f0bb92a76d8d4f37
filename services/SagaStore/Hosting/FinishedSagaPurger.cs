using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.SagaStore.Hosting;

/// <summary>Deletes finished saga instances and their history once they are older than <c>SagaStore:KeepFinishedFor</c>.</summary>
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
        if (_store.Options.KeepFinishedFor is not { } keep || _store.Maps.Count == 0)
            return;
        using var timer = new PeriodicTimer(_store.Options.PurgeInterval, _store.Time);
        do
        {
            try
            {
                await _store.EnsureReadyAsync(stoppingToken);
                var before = _store.Time.GetUtcNow() - keep;
                foreach (var map in _store.Maps)
                {
                    var purged = await _store.Database.PurgeFinishedAsync(map, before, stoppingToken);
                    if (purged > 0)
                        _logger.LogInformation("Purged {Count} {SagaType} instances finished before {Before}", purged, map.Name, before);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Purging finished sagas failed; retrying in {Interval}", _store.Options.PurgeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
