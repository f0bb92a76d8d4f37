namespace Mlops.Clients.Mlflow.Model;

/// <summary>An MLflow 3 logged model (<c>GET logged-models/{model_id}</c>).</summary>
public sealed record MlflowLoggedModel
{
    public MlflowLoggedModelInfo Info { get; init; } = new();

    public MlflowLoggedModelData Data { get; init; } = new();
}
