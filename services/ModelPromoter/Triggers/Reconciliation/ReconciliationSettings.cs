namespace Mlops.ModelPromoter.Triggers.Reconciliation;

/// <summary>The <c>ModelPromoter:Reconciliation</c> section: comparing the registry with what the promoter knows.</summary>
public sealed class ReconciliationSettings
{
    public const string Section = "ModelPromoter:Reconciliation";

    /// <summary>On by default: MLflow's webhooks are best effort, MinIO can lose events, and MLflow 2 has no webhooks at all.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after start the first pass runs (the bus connects meanwhile).</summary>
    public TimeSpan FirstPassDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Serve what the registry already holds on the very first pass. Off: the first pass only records it as the baseline,
    /// so pointing the product at an existing registry never deploys every model at once.
    /// </summary>
    public bool ServeExistingOnFirstPass { get; set; }
}
