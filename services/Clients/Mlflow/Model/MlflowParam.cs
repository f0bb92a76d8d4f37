namespace Mlops.Clients.Mlflow.Model;

/// <summary>A run parameter (written once per run).</summary>
public sealed record MlflowParam
{
    public string Key { get; init; } = "";

    public string Value { get; init; } = "";
}
