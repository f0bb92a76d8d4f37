namespace Mlops.Clients;

/// <summary>The names of the outside systems: resilience pipelines, metric labels and configuration sections use them.</summary>
public static class OutsideSystem
{
    public const string Kubernetes = "kubernetes";

    public const string Mlflow = "mlflow";

    public const string Minio = "minio";
}
