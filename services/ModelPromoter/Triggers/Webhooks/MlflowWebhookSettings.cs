namespace Mlops.ModelPromoter.Triggers.Webhooks;

/// <summary>
/// The <c>ModelPromoter:Webhook</c> section: how <c>POST /webhooks/mlflow</c> checks MLflow 3's deliveries. In a cluster the
/// signing secret comes from a Secret (the stack file's <c>mlflow.webhook.secret</c>), mounted as a file or given as env.
/// </summary>
public sealed class MlflowWebhookSettings
{
    public const string Section = "ModelPromoter:Webhook";

    /// <summary>The signing secret MLflow was given for the webhook.</summary>
    public string? Secret { get; set; }

    /// <summary>A file holding the secret (a mounted Secret key); read at each delivery, so a rotated Secret takes effect.</summary>
    public string? SecretFile { get; set; }

    /// <summary>How far a delivery's timestamp may be from now, in either direction.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted; MLflow's events are a few hundred bytes.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;
}
