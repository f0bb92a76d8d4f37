using k8s.Models;
using Mlops.Clients.Kubernetes.Models;
using Mlops.TrainingCoordinator.Training;
using Mlops.TrainingCoordinator.Watchers;

namespace Mlops.TrainingCoordinator.Jobs;

/// <summary>
/// Reads where a training Job or Workflow stands from its status and, while it has not finished, from its pods: a pod
/// that cannot pull its image for longer than a bound, or cannot be created because a Secret or key its env names is
/// missing, makes the run stuck, named with the kubelet's reason and message.
/// </summary>
public static class TrainingJobReading
{
    private static readonly HashSet<string> ImagePullReasons = new(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "RegistryUnavailable", "InvalidImageName",
    };

    private static readonly HashSet<string> ConfigReasons = new(StringComparer.Ordinal)
    {
        "CreateContainerConfigError", "CreateContainerError",
    };

    /// <summary>What a Job's own status says, or null for a Job still waiting (its pods tell more).</summary>
    public record struct JobOutcome(string Phase, string? Reason);

    public static bool IsFinished(V1Job job) => Condition(job, "Complete") is not null || Condition(job, "Failed") is not null;

    /// <summary>Succeeded, Failed (with the condition's reason and message), Running once a pod is ready, else null.</summary>
    public static JobOutcome? Outcome(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Condition(job, "Complete") is not null)
            return new JobOutcome(TrainingJobPhase.Succeeded, null);
        if (Condition(job, "Failed") is { } failed)
            return new JobOutcome(TrainingJobPhase.Failed, $"Job {job.Metadata.Name} failed ({failed.Reason ?? "Failed"}): {failed.Message ?? "no message"}");
        if (job.Status?.Ready > 0)
            return new JobOutcome(TrainingJobPhase.Running, null);
        return null;
    }

    /// <summary>The Workflow's phase as a Job's, with its message when it failed.</summary>
    public static JobOutcome? Outcome(Workflow workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return workflow.Status?.Phase switch
        {
            WorkflowPhase.Succeeded => new JobOutcome(TrainingJobPhase.Succeeded, null),
            WorkflowPhase.Failed or WorkflowPhase.Error => new JobOutcome(TrainingJobPhase.Failed,
                $"Workflow {workflow.Metadata.Name} {workflow.Status.Phase}: {workflow.Status.Message ?? "no message"}"),
            WorkflowPhase.Running => new JobOutcome(TrainingJobPhase.Running, null),
            _ => null,
        };
    }

    /// <summary>What the pods of an unfinished Job say: Running, Pending with why it waits, or Stuck past its bound; null without pods.</summary>
    public static JobOutcome? FromPods(string kind, string name, IReadOnlyList<V1Pod> pods, TrainingSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(settings);
        if (pods.Count == 0)
            return null;
        var pod = pods.OrderByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).First();
        var podName = pod.Metadata.Name;
        if (pod.Status?.Phase == "Running")
            return new JobOutcome(TrainingJobPhase.Running, null);
        var waiting = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .Select(s => (s.Image, s.State?.Waiting)).FirstOrDefault(s => s.Waiting?.Reason is { Length: > 0 } r && r != "ContainerCreating" && r != "PodInitializing");
        var age = now - new DateTimeOffset(DateTime.SpecifyKind(pod.Metadata.CreationTimestamp ?? now.UtcDateTime, DateTimeKind.Utc));
        if (waiting.Waiting is { Reason: { } reason } state)
        {
            var what = $"{reason}: {state.Message ?? "no message"}";
            if (ImagePullReasons.Contains(reason))
            {
                var image = waiting.Image ?? pod.Spec?.Containers?.FirstOrDefault()?.Image;
                var stuck = reason == "InvalidImageName" || age >= settings.ImagePullGrace;
                // While it waits the kubelet alternates ErrImagePull and ImagePullBackOff: the report names neither, so it does not change.
                return stuck
                    ? new JobOutcome(TrainingJobPhase.Stuck, $"pod {podName} of {kind} {name} cannot pull image {image} ({what}); check the image reference and ImagePullSecrets")
                    : new JobOutcome(TrainingJobPhase.Pending, $"pod {podName} of {kind} {name} cannot pull image {image} yet; it fails after {settings.ImagePullGrace}");
            }
            if (ConfigReasons.Contains(reason))
            {
                return new JobOutcome(age >= settings.ContainerConfigGrace ? TrainingJobPhase.Stuck : TrainingJobPhase.Pending,
                    $"pod {podName} of {kind} {name} cannot start its container ({what}); the stack's Secret and the keys its env references must exist in namespace {pod.Metadata.NamespaceProperty}");
            }
            return new JobOutcome(TrainingJobPhase.Pending, $"pod {podName} waits: {what}");
        }
        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
            return new JobOutcome(TrainingJobPhase.Pending, $"pod {podName} is not scheduled ({unscheduled.Reason}): {unscheduled.Message}");
        return null;
    }

    /// <summary>The pods of a Job or a Workflow carry its name in this label.</summary>
    public static string PodLabel(string kind) => kind == TrainingManifests.WorkflowKind ? TrainingLabels.WorkflowLabel : TrainingLabels.JobNameLabel;

    /// <summary>The container whose log tells what the training did: ours in a Job's pod, Argo's <c>main</c> in a Workflow's.</summary>
    public static string LogContainer(string kind) => kind == TrainingManifests.WorkflowKind ? "main" : TrainingLabels.ContainerName;

    private static V1JobCondition? Condition(V1Job job, string type) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");
}
