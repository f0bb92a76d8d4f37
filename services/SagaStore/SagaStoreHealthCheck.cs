using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mlops.SagaStore;

/// <summary>Ready when the saga store's schema is in place and its database answers.</summary>
internal sealed class SagaStoreHealthCheck(DurableSagaStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.EnsureReadyAsync(cancellationToken);
            await store.Database.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Database.Provider} saga store is reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{store.Database.Provider} saga store at {store.Database.Location} is not usable: {ex.Message}", ex);
        }
    }
}
