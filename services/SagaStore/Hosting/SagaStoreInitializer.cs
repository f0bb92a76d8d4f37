using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.SagaStore.Hosting;

/// <summary>
/// Makes the schema ready while the host starts. A store that cannot be used by this build (a newer schema, an SQLite file
/// held by another process) stops the service at once; a store that cannot be reached is treated like the broker: one
/// log line saying where it was tried, readiness false, retried in the background, and the service keeps running.
/// </summary>
internal sealed class SagaStoreInitializer(DurableSagaStore store, ILogger<SagaStoreInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstAttempt = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        attempt.CancelAfter(FirstAttempt);
        try
        {
            await store.EnsureReadyAsync(attempt.Token);
        }
        catch (Exception ex) when (!DurableSagaStore.IsFatal(ex) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(
                "Saga store unreachable: tried {Location}: {Reason}. Retrying every {Interval} s; /health/ready answers 503 until it answers",
                store.Database.Location, Reason(ex), RetryInterval.TotalSeconds);
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Some hosts stop hosted services after disposing them, or while they dispose them (MassTransit's test harness, a
        // test host torn down as it stops): the host is going away with the source, and there is nothing left to stop.
        try
        {
            await _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        if (_retrying is not null)
            await _retrying;
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RetryInterval, store.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await store.EnsureReadyAsync(cancellationToken);
                    return;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (DurableSagaStore.IsFatal(ex))
                    {
                        logger.LogCritical(ex, "Saga store at {Location} cannot be used by this service", store.Database.Location);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // The innermost message says what is wrong (refused, timed out, bad password) without a stack trace or a secret.
    private static string Reason(Exception exception)
    {
        var reasons = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
                reasons.Add($"no answer within {FirstAttempt.TotalSeconds} s");
            else if (!reasons.Contains(e.Message))
                reasons.Add(e.Message);
        }
        return string.Join(": ", reasons);
    }
}
