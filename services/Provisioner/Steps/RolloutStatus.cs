using k8s.Models;

namespace Mlops.Provisioner.Steps;

/// <summary>Whether a Deployment has rolled out, by kubectl's rule (<c>kubectl rollout status</c>, rollout_status.go).</summary>
public sealed record RolloutStatus(bool Complete, bool Failed, string Message)
{
    public static RolloutStatus Of(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var name = $"deployment {deployment.Metadata.NamespaceProperty}/{deployment.Metadata.Name}";
        var status = deployment.Status;
        if ((deployment.Metadata.Generation ?? 0) > (status?.ObservedGeneration ?? 0))
            return new(false, false, $"{name}: waiting for the spec update to be observed");
        var progressing = status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing?.Reason == "ProgressDeadlineExceeded")
            return new(false, true, $"{name} exceeded its progress deadline");
        var updated = status?.UpdatedReplicas ?? 0;
        if (deployment.Spec?.Replicas is { } replicas && updated < replicas)
            return new(false, false, $"{name}: {updated} of {replicas} new replicas updated");
        if ((status?.Replicas ?? 0) > updated)
            return new(false, false, $"{name}: {(status?.Replicas ?? 0) - updated} old replicas are pending termination");
        if ((status?.AvailableReplicas ?? 0) < updated)
            return new(false, false, $"{name}: {status?.AvailableReplicas ?? 0} of {updated} updated replicas are available");
        return new(true, false, $"{name} rolled out");
    }
}
