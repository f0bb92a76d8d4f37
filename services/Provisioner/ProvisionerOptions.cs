namespace Mlops.Provisioner;

/// <summary>The <c>Provisioner</c> section: what the chart tells the service, and how long its steps may wait.</summary>
public sealed class ProvisionerOptions
{
    public const string Section = "Provisioner";

    /// <summary>The namespaces of a local run, when <see cref="Namespaces"/> is not set: the homelab's (docs/provisioner.md).</summary>
    public static readonly IReadOnlyList<string> LocalNamespaces = ["mlflow", "minio"];

    /// <summary>A stack file read at start and provisioned (docs/stack-file.md); none when empty.</summary>
    public string? StackFile { get; set; }

    /// <summary>
    /// The namespaces the chart created with the Provisioner's Role in them (the chart value <c>provisioner.namespaces</c>);
    /// a stack naming another is refused. Null: <see cref="LocalNamespaces"/>.
    /// </summary>
    public IList<string>? Namespaces { get; set; }

    /// <summary>The ModelPromoter's MLflow webhook receiver, registered in MLflow for stacks that ask for the webhook.</summary>
    public Uri? PromoterWebhookUrl { get; set; }

    /// <summary>How often a ready stack is checked again and repaired; zero turns reconciliation off.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the secrets step waits for a Secret (unsealed from its SealedSecret, or made by someone else) to hold its keys.</summary>
    public TimeSpan SecretTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the components step waits for the installed MinIO and MLflow to roll out.</summary>
    public TimeSpan RolloutTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long any other step keeps trying through outages of Kubernetes, MinIO or MLflow.</summary>
    public TimeSpan StepDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A folder whose <c>minio.yaml</c> or <c>mlflow.yaml</c> replaces the manifest the Provisioner ships for that component.</summary>
    public string? ManifestsDirectory { get; set; }

    /// <summary>The namespaces in force.</summary>
    public IReadOnlyList<string> AllowedNamespaces => Namespaces is { Count: > 0 } configured ? [.. configured] : LocalNamespaces;
}
