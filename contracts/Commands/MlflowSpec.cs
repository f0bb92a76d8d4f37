namespace Mlops.Contracts;

/// <summary>The stack's MLflow: where pods reach it, whether the Provisioner installs it, and the ModelPromoter's webhook.</summary>
public sealed record MlflowSpec
{
    /// <summary>MLflow as pods reach it, e.g. <c>http://mlflow.mlflow.svc.cluster.local:5000</c>.</summary>
    public required string TrackingUri { get; init; }

    /// <summary>True: the Provisioner installs MLflow in the cluster, as the Service and namespace <see cref="TrackingUri"/> names.</summary>
    public bool Install { get; init; }

    /// <summary>
    /// With <see cref="Install"/>: the Secret in MLflow's namespace holding MLflow's MinIO keys <c>AWS_ACCESS_KEY_ID</c> and
    /// <c>AWS_SECRET_ACCESS_KEY</c>, and <c>MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY</c> when the stack has a webhook.
    /// </summary>
    public string? Secret { get; init; }

    /// <summary>Null: no webhook; the ModelPromoter then learns of new versions from MinIO and the registry.</summary>
    public MlflowWebhookSpec? Webhook { get; init; }
}
