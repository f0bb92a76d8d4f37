namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer holding one model version.</summary>
public sealed record ModelVersionResponse
{
    public MlflowModelVersion ModelVersion { get; init; } = new();
}
