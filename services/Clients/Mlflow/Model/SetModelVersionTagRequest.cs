namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>model-versions/set-tag</c>.</summary>
public sealed record SetModelVersionTagRequest
{
    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    public string Key { get; init; } = "";

    public string Value { get; init; } = "";
}
