using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Resilience;
using Mlops.Sandbox.Faults;
using Mlops.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mlops.Clients.Tests;

/// <summary>What the Kubernetes adapter retries, what it does not, when its breaker opens, and that watches outlive attempt timeouts.</summary>
public sealed class KubernetesResilienceTests(ClientsSandbox sandbox) : IClassFixture<ClientsSandbox>, IAsyncLifetime
{
    private string _ns = null!;

    public async Task InitializeAsync() => _ns = await sandbox.NewNamespaceAsync();

    public Task DisposeAsync()
    {
        sandbox.Host.Faults.ClearAll();
        return Task.CompletedTask;
    }

    private Task<ClientHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Kubernetes:Namespace"] = _ns,
            ["Kubernetes:Resilience:RetryDelay"] = "00:00:00.020",
            ["Kubernetes:Resilience:MaxRetryDelay"] = "00:00:02",
        };
        foreach (var (k, v) in settings ?? [])
            all[k] = v;
        return ClientHost.StartAsync(sandbox.Settings(all), b => b.AddKubernetesClient());
    }

    private List<Sandbox.Control.RequestRecord> Requests(string resource, string verb) =>
        sandbox.Host.Requests.Snapshot("kubernetes").Where(r => r.Namespace == _ns && r.Resource == resource && r.Verb == verb).ToList();

    [Fact]
    public async Task Should_retry_a_burst_of_503s_until_every_call_succeeds()
    {
        await using var host = await StartAsync(new() { ["Kubernetes:Resilience:MaxRetryAttempts"] = "6" });
        var client = host.Get<IKubernetesClient>();
        sandbox.Host.Faults.Seed(7);
        sandbox.Host.Faults.Set("kubernetes", "core", new FaultRule { ErrorRate = 0.5, StatusCodes = [503] });

        for (var i = 0; i < 8; i++)
            await client.CreateAsync(KubernetesObjects.Secret($"burst-{i}", "k", "v"));

        var creates = Requests("secrets", "create");
        Assert.Contains(creates, r => r.Fault is not null && r.StatusCode == 503);
        Assert.Equal(8, creates.Count(r => r.StatusCode == 201));
    }

    [Fact]
    public async Task Should_wait_as_long_as_retry_after_asks_before_trying_again()
    {
        await using var host = await StartAsync();
        var client = host.Get<IKubernetesClient>();
        sandbox.Host.Faults.Set("kubernetes", "core", new FaultRule { ErrorRate = 1, StatusCodes = [429] });
        var call = client.GetAsync<V1Secret>("throttled");
        await Eventually.HoldsAsync(() => Requests("secrets", "get").Count >= 1, "the first, throttled attempt");
        sandbox.Host.Faults.ClearAll();

        Assert.Null(await call);

        var gets = Requests("secrets", "get");
        Assert.Equal(429, gets[0].StatusCode);
        // The sandbox answers 429 with Retry-After: 1; the backoff alone would have waited about 20 ms.
        Assert.True(gets[1].Time - gets[0].Time >= TimeSpan.FromMilliseconds(900), $"retried after {(gets[1].Time - gets[0].Time).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Should_not_retry_an_invalid_object_or_a_missing_one()
    {
        await using var host = await StartAsync();
        var client = host.Get<IKubernetesClient>();

        await Assert.ThrowsAsync<HttpOperationException>(() => client.CreateAsync(KubernetesObjects.Deployment("Invalid_Name")));
        Assert.Null(await client.GetAsync<V1Deployment>("missing"));
        await Assert.ThrowsAsync<KubernetesAlreadyExistsException>(async () =>
        {
            await client.CreateAsync(KubernetesObjects.Deployment("twice"));
            await client.CreateAsync(KubernetesObjects.Deployment("twice"));
        });

        Assert.Equal([422, 201, 409], Requests("deployments", "create").Select(r => r.StatusCode ?? 0));
        Assert.Single(Requests("deployments", "get"));
    }

    [Fact]
    public async Task Should_open_the_breaker_under_a_full_outage_and_show_it_in_the_gauge()
    {
        await using var host = await StartAsync(new()
        {
            ["Kubernetes:Resilience:MaxRetryAttempts"] = "1",
            ["Kubernetes:Resilience:MinimumThroughput"] = "4",
            ["Kubernetes:Resilience:SamplingDuration"] = "00:00:10",
            ["Kubernetes:Resilience:BreakDuration"] = "00:01:00",
        });
        var client = host.Get<IKubernetesClient>();
        Assert.Equal(0, CircuitStateReading.Read(host.Services, OutsideSystem.Kubernetes));
        sandbox.Host.Faults.Set("kubernetes", "*", new FaultRule { Outages = [new OutageWindow(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1))] });

        var broken = await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                await client.GetAsync<V1Secret>("during-outage");
                return null;
            }
            catch (BrokenCircuitException ex)
            {
                return ex;
            }
            catch (HttpOperationException ex) when (ex.StatusCode() == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                return null;
            }
        }, "the breaker to open");
        var reached = Requests("secrets", "get").Count;
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync<V1Secret>("during-outage"));

        Assert.NotNull(broken);
        Assert.Equal(1, CircuitStateReading.Read(host.Services, OutsideSystem.Kubernetes));
        Assert.Equal(reached, Requests("secrets", "get").Count);
    }

    [Fact]
    public async Task Should_cut_a_slow_call_at_the_attempt_timeout_but_keep_a_quiet_watch_open()
    {
        await using var host = await StartAsync(new()
        {
            ["Kubernetes:Timeout"] = "00:00:00.300",
            ["Kubernetes:Resilience:MaxRetryAttempts"] = "0",
        });
        var client = host.Get<IKubernetesClient>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = client.WatchAsync<V1ConfigMap>(resourceVersion: (await client.ListAsync<V1ConfigMap>()).ResourceVersion, cancellationToken: deadline.Token)
            .GetAsyncEnumerator(deadline.Token);
        var next = watch.MoveNextAsync();

        sandbox.Host.Faults.Set("kubernetes", "apps", new FaultRule { LatencyMilliseconds = 1500 });
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync<V1Deployment>("slow"));
        // The watch has now been quiet for longer than an attempt may last; a change must still arrive on it.
        await sandbox.Kubernetes.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, _ns);

        Assert.True(await next);
        Assert.Equal(WatchEventType.Added, watch.Current.Type);
        Assert.Equal("late", watch.Current.Object.Metadata.Name);
    }
}
