namespace Mlops.Clients.Mlflow.Model;

/// <summary>An alias of a registered model and the version it points at.</summary>
public sealed record MlflowRegisteredModelAlias
{
    public string Alias { get; init; } = "";

    public string Version { get; init; } = "";
}
