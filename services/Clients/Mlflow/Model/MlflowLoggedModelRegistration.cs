namespace Mlops.Clients.Mlflow.Model;

/// <summary>A registered model version made from a logged model.</summary>
public sealed record MlflowLoggedModelRegistration
{
    public string Name { get; init; } = "";

    public string Version { get; init; } = "";
}
