namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer of <c>GET logged-models/{model_id}</c>.</summary>
public sealed record LoggedModelResponse
{
    public MlflowLoggedModel Model { get; init; } = new();
}
