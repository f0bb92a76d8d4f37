namespace Mlops.Contracts;

/// <summary>The stack's MLflow: where pods reach it, whether the Provisioner installs it, and the ModelPromoter's webhook.</summary>
public sealed record MlflowSpec
{
    /// <summary>MLflow as pods reach it, e.g. <c>http://mlflow.mlflow.svc.cluster.local:5000</c>.</summary>
    public required string TrackingUri { get; init; }

    public bool Install { get; init; }

    /// <summary>Null: no webhook; the ModelPromoter then learns of new versions from MinIO and the registry.</summary>
    public MlflowWebhookSpec? Webhook { get; init; }
}
