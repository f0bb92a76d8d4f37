using Microsoft.Extensions.Hosting;

namespace Mlops.SagaStore.Hosting;

/// <summary>Creates or upgrades the schema while the host starts, so a database that cannot be used stops the service at once.</summary>
internal sealed class SagaStoreInitializer(DurableSagaStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureReadyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
