namespace Mlops.Clients.Mlflow.Model;

/// <summary>A key-value tag of a run, experiment, registered model or model version.</summary>
public sealed record MlflowTag
{
    public string Key { get; init; } = "";

    public string Value { get; init; } = "";
}
