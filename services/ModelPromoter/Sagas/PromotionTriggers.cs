namespace Mlops.ModelPromoter.Sagas;

/// <summary>What can start a promotion, as <c>PromotionStarted.Trigger</c>, the per-source metric and the history name it.</summary>
public static class PromotionTriggers
{
    public const string ModelRegistered = "ModelRegistered";

    public const string Minio = "minio";

    public const string Webhook = "webhook";

    public const string Reconciliation = "reconciliation";

    /// <summary>The target alias moved by a person in the registry (seen through the webhook or the reconciliation).</summary>
    public const string Alias = "alias";

    public const string PromoteModel = "PromoteModel";

    public const string RollbackModel = "RollbackModel";

    /// <summary>Every source the metric reports, so a source that never spoke shows as silent from the start.</summary>
    public static readonly IReadOnlyList<string> Sources = [ModelRegistered, Minio, Webhook, Reconciliation, PromoteModel];
}
