using k8s.Models;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// A <see cref="ServingCluster"/> whose promoter may get, create, replace and delete Deployments but not list or watch
/// them (a Role missing two verbs): its rollout watcher never reports, and the saga waits at most ten seconds (pods of the sandbox are ready well within them).
/// </summary>
public sealed class ServingUnwatchedCluster : ServingCluster
{
    protected override IEnumerable<V1PolicyRule> PromoterRules() =>
        base.PromoterRules().Select(rule => rule.Resources.Contains("deployments")
            ? new V1PolicyRule { ApiGroups = rule.ApiGroups, Resources = rule.Resources, Verbs = rule.Verbs.Where(v => v is not "list" and not "watch").ToList() }
            : rule);

    protected override IEnumerable<KeyValuePair<string, string?>> PromoterSettings() =>
    [
        new("ModelPromoter:Serving:RolloutDeadline", "00:00:10"),
    ];
}
