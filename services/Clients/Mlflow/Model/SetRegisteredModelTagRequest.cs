namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>registered-models/set-tag</c>.</summary>
public sealed record SetRegisteredModelTagRequest
{
    public string Name { get; init; } = "";

    public string Key { get; init; } = "";

    public string Value { get; init; } = "";
}
