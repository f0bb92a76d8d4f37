namespace Mlops.Provisioner.Tests.Testbed;

/// <summary>How a testbed differs from the default: the sandbox's and the Provisioner's settings, which namespaces the chart made.</summary>
public sealed record TestbedOptions
{
    /// <summary>Added to (or replacing) the sandbox's settings, e.g. <c>Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_MLOPS</c> = null to drop the target.</summary>
    public IReadOnlyDictionary<string, string?> Sandbox { get; init; } = new Dictionary<string, string?>();

    /// <summary>Added to (or replacing) the Provisioner's settings.</summary>
    public IReadOnlyDictionary<string, string?> Provisioner { get; init; } = new Dictionary<string, string?>();

    /// <summary>The namespaces that exist before the Provisioner starts, as the chart would have made them.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = ["mlflow", "minio"];

    /// <summary>Whether MinIO has the stack's AMQP target <c>MLOPS</c>.</summary>
    public bool MinioTarget { get; init; } = true;
}
