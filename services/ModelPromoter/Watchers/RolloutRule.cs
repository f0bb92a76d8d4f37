using System.Globalization;
using k8s.Models;

namespace Mlops.ModelPromoter.Watchers;

/// <summary>
/// kubectl's rule for "is this Deployment rolled out" (<c>kubectl rollout status</c>, kubernetes/kubectl
/// <c>pkg/polymorphichelpers/rollout_status.go</c>), applied to a Deployment as read.
/// </summary>
public static class RolloutRule
{
    public static RolloutVerdict Evaluate(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var name = deployment.Metadata?.Name ?? "?";
        var status = deployment.Status;
        if ((deployment.Metadata?.Generation ?? 0) > (status?.ObservedGeneration ?? 0))
            return new(RolloutStatus.Progressing, "Waiting for deployment spec update to be observed...");
        var progressing = status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing?.Reason == "ProgressDeadlineExceeded")
            return new(RolloutStatus.Failed, $"deployment \"{name}\" exceeded its progress deadline");
        var updated = status?.UpdatedReplicas ?? 0;
        var replicas = status?.Replicas ?? 0;
        var available = status?.AvailableReplicas ?? 0;
        if (deployment.Spec?.Replicas is { } desired && updated < desired)
            return new(RolloutStatus.Progressing, Text($"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated..."));
        if (replicas > updated)
            return new(RolloutStatus.Progressing, Text($"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination..."));
        if (available < updated)
            return new(RolloutStatus.Progressing, Text($"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."));
        return new(RolloutStatus.Complete, $"deployment \"{name}\" successfully rolled out");
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
