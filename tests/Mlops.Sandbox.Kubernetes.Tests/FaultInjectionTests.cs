using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Sandbox.Faults;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Faults per API group, switched at run time through the control endpoint, reach real clients as Status errors.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime, IDisposable
{
    private static readonly int[] Unavailable = [503];

    private readonly KubernetesSandbox _sandbox = new();
    private readonly HttpClient _control = new();

    private IKubernetes Client => _sandbox.Client;

    public async Task InitializeAsync()
    {
        await _sandbox.InitializeAsync();
        _control.BaseAddress = _sandbox.Host.UrlOf("control");
    }

    public Task DisposeAsync() => _sandbox.DisposeAsync();

    public void Dispose()
    {
        _control.Dispose();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task An_error_rate_on_one_group_fails_that_group_only_until_cleared()
    {
        (await _control.PutAsJsonAsync("faults/kubernetes/apps", new { errorRate = 1.0, statusCodes = Unavailable })).EnsureSuccessStatusCode();

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.ListNamespacedDeploymentAsync("default"));
        var core = await Client.CoreV1.ListNamespacedConfigMapAsync("default");
        (await _control.DeleteAsync("faults/kubernetes/apps")).EnsureSuccessStatusCode();
        var after = await Client.AppsV1.ListNamespacedDeploymentAsync("default");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(refused.Response.Content);
        Assert.Equal(("Failure", "ServiceUnavailable", 503), (status.Status, status.Reason, status.Code ?? 0));
        Assert.NotNull(core);
        Assert.NotNull(after);
        Assert.Equal("error rate", _sandbox.Host.Requests.Snapshot("kubernetes").Single(r => r.Group == "apps" && r.Fault is not null).Fault);
    }

    [Fact]
    public async Task Throttling_answers_429_with_Retry_After()
    {
        _sandbox.Host.Faults.Set("kubernetes", "batch", new FaultRule { ErrorRate = 1, StatusCodes = [429] });

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => Client.BatchV1.ListNamespacedJobAsync("default"));

        Assert.Equal((HttpStatusCode)429, refused.Response.StatusCode);
        Assert.Equal("TooManyRequests", KubernetesJson.Deserialize<V1Status>(refused.Response.Content).Reason);
        Assert.True(refused.Response.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task An_outage_window_fails_every_request_while_it_lasts()
    {
        var now = DateTimeOffset.UtcNow;
        _sandbox.Host.Faults.Set("kubernetes", "*", new FaultRule { Outages = [new OutageWindow(now.AddMinutes(-1), now.AddMinutes(10))] });

        var core = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ListNamespaceAsync());
        var custom = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CustomObjects.ListNamespacedCustomObjectAsync("argoproj.io", "v1alpha1", "default", "workflows"));
        _sandbox.Host.Faults.Set("kubernetes", "*", new FaultRule { Outages = [new OutageWindow(now.AddMinutes(-10), now.AddMinutes(-1))] });
        var afterwards = await Client.CoreV1.ListNamespaceAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, core.Response.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, custom.Response.StatusCode);
        Assert.NotEmpty(afterwards.Items);
    }

    [Fact]
    public async Task Added_latency_delays_the_answers_of_the_group()
    {
        (await _control.PutAsJsonAsync("faults/kubernetes/core", new { latencyMilliseconds = 400 })).EnsureSuccessStatusCode();

        var watch = Stopwatch.StartNew();
        await Client.CoreV1.ListNamespaceAsync();

        // The delay runs on the system timer, whose ticks can end it a little before the stopwatch reads 400 ms.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(380), $"answered after {watch.Elapsed}");
    }
}
