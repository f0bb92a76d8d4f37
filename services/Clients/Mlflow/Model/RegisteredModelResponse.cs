namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer holding one registered model.</summary>
public sealed record RegisteredModelResponse
{
    public MlflowRegisteredModel RegisteredModel { get; init; } = new();
}
