using System.Text.RegularExpressions;
using k8s.Models;
using Mlops.Clients.Kubernetes;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// Why a model server did not roll out, read from its pods as a person would with <c>kubectl describe</c> and
/// <c>kubectl logs --previous</c>: "image … cannot be pulled (ImagePullBackOff)", "secret mlflow/minio-credentials has no
/// key …", "model server exits: &lt;its last log line&gt;". Only the pods of the failing template count.
/// </summary>
public static partial class RolloutDiagnosis
{
    /// <summary>The reason, or null when the pods say nothing more than the Deployment's own conditions.</summary>
    public static async Task<string?> ReadAsync(IKubernetesClient kubernetes, ModelServerPlacement placement, string templateHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubernetes);
        ArgumentNullException.ThrowIfNull(placement);
        var selector = $"{ModelServerLabels.App}={ModelServerLabels.AppValue},{ModelServerLabels.Model}={placement.Label}";
        var pods = (await kubernetes.ListAsync<V1Pod>(selector, placement.Namespace, cancellationToken)).Items
            .Where(p => p.Metadata?.DeletionTimestamp is null && ModelServerManifests.TemplateHashOf(new V1PodTemplateSpec { Metadata = p.Metadata }) == templateHash)
            .ToList();
        foreach (var pod in pods)
        {
            if (await ReasonOfAsync(kubernetes, pod, placement.Namespace, cancellationToken) is { } reason)
                return reason;
        }
        var deployment = await kubernetes.GetAsync<V1Deployment>(placement.Name, placement.Namespace, cancellationToken);
        var replicaFailure = deployment?.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True");
        if (replicaFailure is not null)
            return $"its pods cannot be created: {replicaFailure.Message}";
        // Pods that all became ready say nothing against the model server (the rollout was not seen in time, say).
        return pods.Any(p => !IsReady(p)) ? "the model server never became ready: GET /health on port 5001 did not answer 200" : null;
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static async Task<string?> ReasonOfAsync(IKubernetesClient kubernetes, V1Pod pod, string ns, CancellationToken cancellationToken)
    {
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled is { Status: "False" })
            return $"pod {pod.Metadata.Name} cannot be scheduled: {scheduled.Message}";
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == ModelServerManifests.ContainerName);
        if (container is null)
            return null;
        var image = pod.Spec?.Containers?.FirstOrDefault(c => c.Name == ModelServerManifests.ContainerName)?.Image ?? container.Image;
        var waiting = container.State?.Waiting;
        switch (waiting?.Reason)
        {
            case "ErrImagePull" or "ImagePullBackOff" or "InvalidImageName":
                return $"image {image} cannot be pulled ({waiting.Reason})";
            case "CreateContainerConfigError":
                return ConfigError(waiting.Message, ns);
        }
        var exited = container.LastState?.Terminated ?? container.State?.Terminated;
        if (waiting?.Reason == "CrashLoopBackOff" || exited is { ExitCode: not 0 })
        {
            var previous = container.LastState?.Terminated is not null;
            var log = await kubernetes.ReadPodLogAsync(pod.Metadata.Name,
                new PodLogOptions { Container = ModelServerManifests.ContainerName, Previous = previous, TailLines = 20 }, ns, cancellationToken);
            var last = log?.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
            return last is null
                ? $"model server exits with code {exited?.ExitCode} ({exited?.Reason ?? waiting?.Reason})"
                : $"model server exits: {last}";
        }
        return null;
    }

    private static string ConfigError(string? message, string ns)
    {
        if (message is null)
            return "the container cannot be configured (CreateContainerConfigError)";
        if (MissingKey().Match(message) is { Success: true } key)
            return $"secret {key.Groups["secret"].Value} has no key {key.Groups["key"].Value}";
        if (MissingSecret().Match(message) is { Success: true } secret)
            return $"secret {ns}/{secret.Groups["secret"].Value} not found";
        return $"the container cannot be configured: {message}";
    }

    [GeneratedRegex(@"couldn't find key (?<key>\S+) in Secret (?<secret>\S+)")]
    private static partial Regex MissingKey();

    [GeneratedRegex("secret \"(?<secret>[^\"]+)\" not found")]
    private static partial Regex MissingSecret();
}
