using k8s;
using k8s.Models;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Containers that exit are restarted with the kubelet's growing back-off, and their previous run's log stays readable.</summary>
public sealed class ContainerRestartTests : IClassFixture<KubernetesSandbox>
{
    private const string Crasher = "sandbox.test/crasher:1";
    private readonly KubernetesSandbox _sandbox;
    private readonly ScriptedProgram _crasher;

    public ContainerRestartTests(KubernetesSandbox sandbox)
    {
        _sandbox = sandbox;
        _crasher = sandbox.Host.Context.ContainerPrograms.OfType<ScriptedProgram>().FirstOrDefault(p => p.Image == Crasher)
                   ?? sandbox.Program(Crasher, launch => new ScriptedProcess(launch,
                       [$"run {launch.RestartCount}: loading model", $"run {launch.RestartCount}: RESOURCE_DOES_NOT_EXIST: Registered Model with name=cnn_classifier not found"],
                       exitAfter: TimeSpan.FromMilliseconds(50), exitCode: 1));
    }

    private IKubernetes Client => _sandbox.Client;

    [Fact]
    public async Task Should_crash_loop_with_a_climbing_restart_count_a_doubling_back_off_and_the_last_exit_as_Error()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("crasher", Crasher);
        deployment.Spec.ProgressDeadlineSeconds = 200;
        // As the model server's: the process never answers, so no run is ever ready.
        deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" } };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var backOffs = new List<string>();
        var events = await Watching.UntilAsync(
            (onError, token) => Client.CoreV1.WatchListNamespacedPodAsync(ns, onError: onError, cancellationToken: token),
            (_, pod) =>
            {
                var status = pod.Status?.ContainerStatuses?.SingleOrDefault();
                if (status?.State?.Waiting is { Reason: "CrashLoopBackOff", Message: { } message } && !backOffs.Contains(message.Split(' ')[1]))
                    backOffs.Add(message.Split(' ')[1]);
                return status?.RestartCount >= 4 && backOffs.Count >= 3;
            });
        var last = events[^1].Object.Status.ContainerStatuses.Single();
        var rollout = await Eventually.ReturnsAsync(async () =>
            (await Client.AppsV1.ReadNamespacedDeploymentAsync("crasher", ns)).Status?.Conditions?.SingleOrDefault(c => c.Reason == "ProgressDeadlineExceeded"), "the progress deadline");

        Assert.Equal(["100ms", "200ms", "400ms"], backOffs.Take(3));
        Assert.Equal((1, "Error"), (last.LastState.Terminated.ExitCode, last.LastState.Terminated.Reason));
        Assert.False(last.Ready);
        Assert.Equal("Running", events[^1].Object.Status.Phase);
        Assert.Equal("False", rollout.Status);
        Assert.Null((await Client.AppsV1.ReadNamespacedDeploymentAsync("crasher", ns)).Status.AvailableReplicas);
    }

    [Fact]
    public async Task Should_show_the_previous_runs_log_with_kubectl_logs_previous()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("crasher", Crasher), ns);
        var pod = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault(p => p.Status?.ContainerStatuses?.SingleOrDefault()?.RestartCount >= 2), "two restarts");

        var previous = (await _sandbox.Kubectl.RunAsync("logs", pod.Metadata.Name, "-n", ns, "--previous")).Succeeded();
        var tail = (await _sandbox.Kubectl.RunAsync("logs", pod.Metadata.Name, "-n", ns, "--previous", "--tail=1")).Succeeded();
        var byDeployment = (await _sandbox.Kubectl.RunAsync("logs", "deployment/crasher", "-n", ns)).Succeeded();

        Assert.Matches(@"^run \d+: loading model\nrun \d+: RESOURCE_DOES_NOT_EXIST: Registered Model with name=cnn_classifier not found\n$", previous.Output);
        Assert.Matches(@"^run \d+: RESOURCE_DOES_NOT_EXIST: Registered Model with name=cnn_classifier not found\n$", tail.Output);
        Assert.Contains("loading model", byDeployment.Output);
    }

    [Fact]
    public async Task Should_refuse_previous_logs_of_a_container_that_never_restarted()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("steady", "ghcr.io/mlflow/mlflow:v2.21.3"), ns);
        var pod = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault(p => p.Status?.Phase == "Running"), "a running pod");

        var refused = await _sandbox.Kubectl.RunAsync("logs", pod.Metadata.Name, "-n", ns, "--previous");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"previous terminated container \"server\" in pod \"{pod.Metadata.Name}\" not found", refused.Error);
    }

    [Fact]
    public async Task Should_leave_a_job_pod_that_failed_under_restartPolicy_Never_terminated_and_replace_it()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var job = Objects.Job("crash", Crasher);
        job.Spec.BackoffLimit = 1;
        await Client.BatchV1.CreateNamespacedJobAsync(job, ns);

        var failed = await Eventually.ReturnsAsync(async () =>
            (await Client.BatchV1.ReadNamespacedJobAsync("crash", ns)).Status?.Conditions?.SingleOrDefault(c => c.Type == "Failed"), "the job fails");
        var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items;

        Assert.Equal("BackoffLimitExceeded", failed.Reason);
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Equal("Failed", p.Status.Phase);
            Assert.Equal(0, p.Status.ContainerStatuses[0].RestartCount);
            Assert.Equal((1, "Error"), (p.Status.ContainerStatuses[0].State.Terminated.ExitCode, p.Status.ContainerStatuses[0].State.Terminated.Reason));
        });
        Assert.Equal(2, (await Client.BatchV1.ReadNamespacedJobAsync("crash", ns)).Status.Failed);
    }
}
