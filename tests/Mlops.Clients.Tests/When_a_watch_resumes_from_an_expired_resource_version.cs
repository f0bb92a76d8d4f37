using k8s.Models;
using Mlops.Clients.Kubernetes;

namespace Mlops.Clients.Tests;

/// <summary>The server keeps few changes; a watcher that fell behind gets 410 and must relist.</summary>
public sealed class When_a_watch_resumes_from_an_expired_resource_version(ShortWatchHistorySandbox sandbox)
    : IClassFixture<ShortWatchHistorySandbox>, IAsyncLifetime
{
    private ClientHost _host = null!;

    private IKubernetesClient Client => _host.Get<IKubernetesClient>();

    public async Task InitializeAsync()
    {
        var ns = await sandbox.NewNamespaceAsync();
        _host = await ClientHost.StartAsync(sandbox.Settings(new Dictionary<string, string?> { ["Kubernetes:Namespace"] = ns }), b => b.AddKubernetesClient());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_throw_watch_expired_with_the_version_asked_for_and_watch_again_after_a_relist()
    {
        var stale = (await Client.ListAsync<V1Secret>()).ResourceVersion;
        for (var i = 0; i < ShortWatchHistorySandbox.History * 2; i++)
            await Client.CreateAsync(KubernetesObjects.Secret($"s-{i}", "k", "v"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var expired = await Assert.ThrowsAsync<KubernetesWatchExpiredException>(async () =>
        {
            await foreach (var _ in Client.WatchAsync<V1Secret>(resourceVersion: stale, cancellationToken: deadline.Token))
            {
            }
        });
        var relisted = await Client.ListAsync<V1Secret>();
        await using var resumed = Client.WatchAsync<V1Secret>(resourceVersion: relisted.ResourceVersion, cancellationToken: deadline.Token).GetAsyncEnumerator(deadline.Token);
        var next = resumed.MoveNextAsync();
        await Client.CreateAsync(KubernetesObjects.Secret("after-relist", "k", "v"));

        Assert.Equal(410, expired.Status.Code);
        Assert.Equal(stale, expired.ResourceVersion);
        Assert.Equal(ShortWatchHistorySandbox.History * 2, relisted.Items.Count);
        Assert.True(await next);
        Assert.Equal("after-relist", resumed.Current.Object.Metadata.Name);
    }
}
