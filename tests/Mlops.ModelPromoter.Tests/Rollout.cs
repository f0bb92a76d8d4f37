using Mlops.ModelPromoter.Watchers;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Waits on a model-server Deployment as <c>kubectl rollout status</c> would.</summary>
public static class Rollout
{
    /// <summary>Until the Deployment runs <paramref name="version"/>'s template and has rolled out by kubectl's rule.</summary>
    public static Task WaitForCompleteAsync(ServingCluster cluster, string deployment, string version) =>
        Eventually.HoldsAsync(async () =>
            await cluster.DeploymentAsync(deployment) is { } d
            && d.Spec.Template.Metadata.Annotations[Serving.ModelServerLabels.ModelVersionAnnotation] == version
            && RolloutRule.Evaluate(d).Status == RolloutStatus.Complete,
            $"{deployment} rolled out with version {version}", TimeSpan.FromSeconds(60));
}
