using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// What a container runs when no registered program recognises it (a generic image): in a pod that restarts always
/// (a Deployment's) a server that keeps running and answers 200 on the container's declared ports; in a pod that runs
/// to completion (a Job's) a process that runs <see cref="KubernetesOptions.JobDuration"/> and exits with the
/// <c>sandbox.mlops.dev/exit-code</c> annotation of the pod or its Job (0 without one); an init container exits 0.
/// </summary>
public sealed class DefaultContainerProgram(KubernetesRegistry registry, KubernetesOptions options)
{
    public IContainerProcess Start(ContainerLaunch launch, bool initContainer)
    {
        var container = ObjectMeta.Containers(launch.Pod["spec"] as JsonObject).First(c => c.String("name") == launch.ContainerName);
        var ports = (container["ports"] as JsonArray ?? []).Select(p => (int)(p.Number("containerPort") ?? 0)).ToHashSet();
        if (initContainer)
            return new GenericProcess(ports, TimeSpan.Zero, 0);
        var restartPolicy = container.String("restartPolicy") ?? launch.Pod["spec"].String("restartPolicy") ?? "Always";
        if (restartPolicy == "Always")
            return new GenericProcess(ports, null, 0);
        return new GenericProcess(ports, options.JobDuration, ExitCode(launch.Pod));
    }

    private int ExitCode(JsonObject pod)
    {
        var owner = (pod["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(r => r.String("kind") == "Job");
        var job = owner is null ? null : registry.Find(ResourceCatalog.Jobs, pod.Namespace(), owner.String("name") ?? "");
        var fromPod = PodRules.ExitCode(pod, null);
        return fromPod != 0 || job is null ? fromPod : PodRules.ExitCode(job, null);
    }

    // Runs until killed (no run time) or for its run time, then exits with its code; answers on its ports meanwhile.
    private sealed class GenericProcess : IContainerProcess
    {
        private readonly HashSet<int> _ports;
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _killed = new();

        public GenericProcess(HashSet<int> ports, TimeSpan? runTime, int exitCode)
        {
            _ports = ports;
            if (runTime is { } duration)
            {
                _ = Task.Delay(duration, _killed.Token).ContinueWith(
                    _ => _exited.TrySetResult(exitCode), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }

        public Task<int> Exited => _exited.Task;

        public Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(_ports.Contains(request.Port) && !_exited.Task.IsCompleted
                ? new ContainerResponse(200, "text/plain; charset=utf-8", "ok\n"u8.ToArray())
                : null);

        public ValueTask DisposeAsync()
        {
            _killed.Cancel();
            _killed.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
