using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// A model that loads for longer than its liveness budget: the kubelet's probes act on the model server as on a cluster,
/// so a startupProbe must hold the liveness probe off or the container is killed before it ever serves.
/// </summary>
public sealed class ModelLoadProbeTests(SlowLoadingSandbox sandbox) : IClassFixture<SlowLoadingSandbox>
{
    private const string Liveness = """
                livenessProbe:
                  httpGet: {path: /health, port: http}
                  periodSeconds: 2
                  failureThreshold: 3
                readinessProbe:
                  httpGet: {path: /health, port: http}
                  periodSeconds: 2
        """;

    private const string StartupThenLiveness = """
                startupProbe:
                  httpGet: {path: /health, port: http}
                  periodSeconds: 2
                  failureThreshold: 60
        """ + "\n" + Liveness;

    private async Task<string> ServeAsync(string probes)
    {
        var (model, version) = await sandbox.Fixture.RegisterModelAsync();
        var ns = await sandbox.Fixture.NewNamespaceAsync("probes");
        await sandbox.Fixture.CreateS3SecretAsync(ns);
        await sandbox.ApplyAsync(Manifests.ModelServer(ns, $"models:/{model}/{version}", probes: probes, progressDeadlineSeconds: 3000));
        return ns;
    }

    [Fact]
    public async Task Should_serve_a_slow_loading_model_whose_startup_probe_holds_the_liveness_probe_off()
    {
        var ns = await ServeAsync(StartupThenLiveness);

        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", $"deployment/{Manifests.ModelServerName}", "-n", ns, "--timeout=60s");
        var ping = await sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/{Manifests.ModelServerName}:5001/proxy/ping");

        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Equal("\n", ping.Succeeded().Output);
        var status = (await sandbox.PodAsync(ns, Manifests.ModelServerSelector)).Status.ContainerStatuses.Single();
        Assert.Equal((true, true, 0), (status.Started ?? false, status.Ready, status.RestartCount));
    }

    [Fact]
    public async Task Should_restart_a_slow_loading_model_whose_liveness_probe_gives_up_before_it_is_loaded()
    {
        var ns = await ServeAsync(Liveness);

        var restarted = await sandbox.PodWhenAsync(ns, Manifests.ModelServerSelector,
            p => p.Status?.ContainerStatuses?.SingleOrDefault() is { RestartCount: >= 2, LastState.Terminated: not null }, "the liveness probe to restart the loading server twice");
        var events = (await sandbox.Kubectl.RunAsync("get", "events", "-n", ns, "--field-selector", $"involvedObject.name={restarted.Metadata.Name}")).Succeeded().Output;
        var ping = await sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/{Manifests.ModelServerName}:5001/proxy/ping");

        var status = restarted.Status.ContainerStatuses.Single();
        Assert.Equal((137, "Error"), (status.LastState.Terminated.ExitCode, status.LastState.Terminated.Reason));
        Assert.False(status.Ready);
        Assert.Contains("Container server failed liveness probe, will be restarted", events, StringComparison.Ordinal);
        Assert.Contains("Liveness probe failed:", events, StringComparison.Ordinal);
        Assert.NotEqual(0, ping.ExitCode);
        Assert.Contains("no endpoints available for service", ping.Error, StringComparison.Ordinal);
    }
}
