using System.Net;
using k8s;
using k8s.Models;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>The pod log endpoint returns what a container wrote, as text/plain, with the API server's parameters and refusals.</summary>
public sealed class PodLogTests : IClassFixture<KubernetesSandbox>
{
    private const string Talker = "sandbox.test/talker:1";
    private readonly KubernetesSandbox _sandbox;

    public PodLogTests(KubernetesSandbox sandbox)
    {
        _sandbox = sandbox;
        if (!sandbox.Host.Context.ContainerPrograms.OfType<ScriptedProgram>().Any(p => p.Image == Talker))
            sandbox.Program(Talker, launch => new ScriptedProcess(launch, Enumerable.Range(1, 5).Select(i => $"{launch.ContainerName} line {i}")));
    }

    private IKubernetes Client => _sandbox.Client;

    private async Task<(string Namespace, string Pod)> TwoContainerPodAsync()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "talk" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = Talker }, new V1Container { Name = "sidecar", Image = Talker }] },
        }, ns);
        await Eventually.HoldsAsync(async () => (await Client.CoreV1.ReadNamespacedPodAsync("talk", ns)).Status?.ContainerStatuses?.All(c => c.Ready) == true, "both containers run");
        return (ns, "talk");
    }

    [Fact]
    public async Task Should_return_a_containers_lines_as_text_plain_with_tailLines_and_timestamps()
    {
        var (ns, pod) = await TwoContainerPodAsync();
        using var http = new HttpClient { BaseAddress = _sandbox.Host.Kubernetes.Url };

        using var all = await http.GetAsync($"api/v1/namespaces/{ns}/pods/{pod}/log?container=sidecar");
        var tail = (await _sandbox.Kubectl.RunAsync("logs", pod, "-n", ns, "-c", "main", "--tail=2")).Succeeded();
        var stamped = (await _sandbox.Kubectl.RunAsync("logs", pod, "-n", ns, "-c", "main", "--timestamps", "--tail=1")).Succeeded();

        Assert.Equal("text/plain", all.Content.Headers.ContentType?.MediaType);
        Assert.Equal(string.Concat(Enumerable.Range(1, 5).Select(i => $"sidecar line {i}\n")), await all.Content.ReadAsStringAsync());
        Assert.Equal("main line 4\nmain line 5\n", tail.Output);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z main line 5\n$", stamped.Output);
    }

    [Fact]
    public async Task Should_require_a_container_name_when_the_pod_has_several_and_refuse_one_it_does_not_have()
    {
        var (ns, pod) = await TwoContainerPodAsync();
        using var http = new HttpClient { BaseAddress = _sandbox.Host.Kubernetes.Url };

        using var unnamed = await http.GetAsync($"api/v1/namespaces/{ns}/pods/{pod}/log");
        using var unknown = await http.GetAsync($"api/v1/namespaces/{ns}/pods/{pod}/log?container=absent");

        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Equal($"a container name must be specified for pod {pod}, choose one of: [main sidecar]", KubernetesJson.Deserialize<V1Status>(await unnamed.Content.ReadAsStringAsync()).Message);
        Assert.Equal($"container absent is not valid for pod {pod}", KubernetesJson.Deserialize<V1Status>(await unknown.Content.ReadAsStringAsync()).Message);
    }

    [Fact]
    public async Task Should_refuse_the_log_of_a_container_waiting_for_its_image()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "registry.invalid/mlflow:2"), ns);
        var pod = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault(p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff"), "a pull failure");

        var refused = await _sandbox.Kubectl.RunAsync("logs", pod.Metadata.Name, "-n", ns);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Matches($"container \"server\" in pod \"{pod.Metadata.Name}\" is waiting to start: (image can't be pulled|trying and failing to pull image)", refused.Error);
    }

    [Fact]
    public async Task Should_show_what_a_job_completion_hook_wrote_and_let_its_verdict_fail_the_pod()
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var hook = new WritingHook();
        _sandbox.Host.Context.JobCompletionHooks.Add(hook);
        var job = Objects.Job("train", "python:3.11", env: [new V1EnvVar { Name = "WRITING_HOOK", Value = ns }]);
        job.Spec.BackoffLimit = 1;
        await Client.BatchV1.CreateNamespacedJobAsync(job, ns);

        var failed = await Eventually.ReturnsAsync(async () =>
            (await Client.BatchV1.ReadNamespacedJobAsync("train", ns)).Status?.Conditions?.SingleOrDefault(c => c.Type == "Failed"), "the job fails");
        var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        var log = (await _sandbox.Kubectl.RunAsync("logs", pods[0].Metadata.Name, "-n", ns)).Succeeded();

        Assert.Equal(("BackoffLimitExceeded", "mlflow.exceptions.MlflowException: API request failed"), (failed.Reason, failed.Message));
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal(("Failed", 1, "mlflow.exceptions.MlflowException: API request failed"),
            (p.Status.Phase, p.Status.ContainerStatuses[0].State.Terminated.ExitCode, p.Status.ContainerStatuses[0].State.Terminated.Message)));
        Assert.Equal("Epoch 1/5\nTraceback (most recent call last):\n", log.Output);
    }

    // Writes a training-like log and fails the runs of Jobs that name it.
    private sealed class WritingHook : IJobCompletionHook
    {
        public Task<JobVerdict?> OnJobFinishingAsync(JobCompletion job, CancellationToken cancellationToken)
        {
            if (!job.Env.ContainsKey("WRITING_HOOK"))
                return Task.FromResult<JobVerdict?>(null);
            job.Log.WriteLine("Epoch 1/5");
            job.Log.WriteLine("Traceback (most recent call last):");
            return Task.FromResult<JobVerdict?>(JobVerdict.Failed("mlflow.exceptions.MlflowException: API request failed"));
        }
    }
}
