namespace Mlops.ModelPromoter.Watchers;

/// <summary>Where a Deployment's rollout stands by kubectl's rule.</summary>
public enum RolloutStatus
{
    /// <summary>Still rolling out (or the spec change not yet observed).</summary>
    Progressing,

    /// <summary>Every replica updated and available, no old replica left.</summary>
    Complete,

    /// <summary>The Progressing condition says ProgressDeadlineExceeded.</summary>
    Failed,

    /// <summary>The Deployment is gone.</summary>
    Deleted,
}
