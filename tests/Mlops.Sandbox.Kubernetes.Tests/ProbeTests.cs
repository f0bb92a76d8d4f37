using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Startup, liveness and readiness probes act on a slow-loading server as a kubelet's would.</summary>
public sealed class ProbeTests : IClassFixture<KubernetesSandbox>
{
    // A model server that answers /health 404 while it loads and 200 once loaded, as mlflow models serve does.
    private const string SlowServer = "sandbox.test/slow-server:1";
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(1.5);
    private readonly KubernetesSandbox _sandbox;
    private readonly ScriptedProgram _server;

    public ProbeTests(KubernetesSandbox sandbox)
    {
        _sandbox = sandbox;
        _server = sandbox.Host.Context.ContainerPrograms.OfType<ScriptedProgram>().FirstOrDefault(p => p.Image == SlowServer)
                  ?? sandbox.Program(SlowServer, launch =>
                  {
                      var started = DateTimeOffset.UtcNow;
                      launch.Log.WriteLine("Loading model");
                      return new ScriptedProcess(launch, [], request => request.Port != 5001
                          ? null
                          : DateTimeOffset.UtcNow - started < LoadTime ? ScriptedProcess.Text(404, "") : ScriptedProcess.Text(200, "OK"));
                  });
    }

    private IKubernetes Client => _sandbox.Client;

    private static V1Probe Health(int periodSeconds, int failureThreshold, int initialDelaySeconds = 0) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = initialDelaySeconds,
    };

    [Fact]
    public async Task Should_not_kill_a_slow_starter_behind_a_startup_probe()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", SlowServer);
        var container = deployment.Spec.Template.Spec.Containers[0];
        // 60 × 10 s at 1:100 is 6 s of startup budget; the liveness probe alone would give up after 3 × 10 ms.
        container.StartupProbe = Health(periodSeconds: 10, failureThreshold: 60);
        container.LivenessProbe = Health(periodSeconds: 1, failureThreshold: 3);
        container.ReadinessProbe = Health(periodSeconds: 10, failureThreshold: 3);
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var notStarted = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault()?.Status?.ContainerStatuses?.SingleOrDefault() is { State.Running: not null } c ? c : null, "the container runs");
        await Eventually.HoldsAsync(async () => (await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns)).Status?.AvailableReplicas == 1, "the server becomes available");
        var ready = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Single().Status.ContainerStatuses.Single();

        Assert.False(notStarted.Started);
        Assert.False(notStarted.Ready);
        Assert.True(ready.Started);
        Assert.True(ready.Ready);
        Assert.Equal(0, ready.RestartCount);
        Assert.Single(_server.Launches, l => l.Namespace == ns);
    }

    [Fact]
    public async Task Should_restart_a_container_whose_liveness_probe_gives_up_before_it_has_loaded()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", SlowServer);
        deployment.Spec.ProgressDeadlineSeconds = 300;
        deployment.Spec.Template.Spec.Containers[0].LivenessProbe = Health(periodSeconds: 10, failureThreshold: 3);
        deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = Health(periodSeconds: 10, failureThreshold: 3);
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var restarted = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault()?.Status?.ContainerStatuses?.SingleOrDefault() is { RestartCount: >= 2 } c ? c : null, "two restarts");
        var events = (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items;
        var deadline = await Eventually.ReturnsAsync(async () =>
            (await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns)).Status?.Conditions?.SingleOrDefault(c => c.Reason == "ProgressDeadlineExceeded"), "the progress deadline");

        Assert.Equal((137, "Error"), (restarted.LastState.Terminated.ExitCode, restarted.LastState.Terminated.Reason));
        Assert.Contains(events, e => e.Reason == "Unhealthy" && e.Message == "Liveness probe failed: HTTP probe failed with statuscode: 404");
        Assert.Contains(events, e => e.Reason == "Killing" && e.Message == "Container server failed liveness probe, will be restarted");
        Assert.Equal("False", deadline.Status);
    }

    [Fact]
    public async Task Should_keep_a_running_pod_out_of_ready_while_its_readiness_probe_fails()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3");
        // The generic image answers on its declared port 5001 only: a probe of port 8080 is refused.
        deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 }, PeriodSeconds = 10 };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var events = await Eventually.ReturnsAsync(async () =>
        {
            var found = (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.Reason == "Unhealthy").ToList();
            return found.Count > 0 ? found : null;
        }, "a failed readiness probe");
        var pod = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Single();

        Assert.Equal("Running", pod.Status.Phase);
        Assert.False(pod.Status.ContainerStatuses[0].Ready);
        Assert.True(pod.Status.ContainerStatuses[0].Started);
        Assert.Equal("False", pod.Status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.Equal("containers with unready status: [server]", pod.Status.Conditions.Single(c => c.Type == "ContainersReady").Message);
        Assert.StartsWith("Readiness probe failed: dial tcp 10.244.", events[0].Message);
        Assert.EndsWith(":8080: connect: connection refused", events[0].Message);
        Assert.Null((await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns)).Status.ReadyReplicas);
    }

    [Fact]
    public async Task Should_count_a_repeated_event_in_one_object_and_start_a_new_one_after_it_is_deleted()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3");
        deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 }, PeriodSeconds = 10 };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        async Task<List<Corev1Event>> UnhealthyAsync() =>
            (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.Reason == "Unhealthy").ToList();

        // As kubelet does: the same failure again is the same Event with a higher count, not a new object.
        var repeated = await Eventually.ReturnsAsync(async () => (await UnhealthyAsync()).FirstOrDefault(e => e.Count >= 2), "a probe failure counted twice");
        Assert.Single(await UnhealthyAsync());

        await Client.CoreV1.DeleteNamespacedEventAsync(repeated.Metadata.Name, ns);
        var fresh = await Eventually.ReturnsAsync(async () => (await UnhealthyAsync()).FirstOrDefault(), "a new event after the old one was deleted");
        Assert.NotEqual(repeated.Metadata.Name, fresh.Metadata.Name);
        Assert.Equal(repeated.Message, fresh.Message);
    }

    [Fact]
    public async Task Should_pass_an_exec_probe_the_process_cannot_run_and_fail_one_it_answers_non_zero()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var answers = new ConcurrentQueue<IReadOnlyList<string>>();
        _sandbox.Program("sandbox.test/exec:1", launch => new ExecProcess(launch, answers));
        var deployment = Objects.Deployment("exec", "sandbox.test/exec:1");
        deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { Exec = new V1ExecAction { Command = ["cat", "/tmp/ready"] }, PeriodSeconds = 10 };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        var generic = Objects.Deployment("generic", "ghcr.io/mlflow/mlflow:v2.21.3");
        generic.Spec.Selector.MatchLabels["model"] = generic.Spec.Template.Metadata.Labels["model"] = "generic";
        generic.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { Exec = new V1ExecAction { Command = ["false"] }, PeriodSeconds = 10 };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(generic, ns);

        await Eventually.HoldsAsync(async () => (await Client.AppsV1.ReadNamespacedDeploymentAsync("generic", ns)).Status?.ReadyReplicas == 1, "the generic image passes its exec probe");
        await Eventually.HoldsAsync(() => answers.Count >= 2, "the exec probe ran twice");
        var pod = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "model=exec")).Items.Single();

        Assert.Equal(["cat", "/tmp/ready"], answers.First());
        Assert.False(pod.Status.ContainerStatuses[0].Ready);
    }

    // Answers every command with exit code 1 (the file is not there).
    private sealed class ExecProcess(ContainerLaunch launch, ConcurrentQueue<IReadOnlyList<string>> commands) : IContainerProcess, IContainerExec
    {
        private readonly ScriptedProcess _inner = new(launch, []);

        public Task<int> Exited => _inner.Exited;

        public Task<int> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
        {
            commands.Enqueue(command);
            return Task.FromResult(1);
        }

        public Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken) => _inner.HandleAsync(request, cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
