namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>runs/set-tag</c>.</summary>
public sealed record SetRunTagRequest
{
    public string RunId { get; init; } = "";

    public string Key { get; init; } = "";

    public string Value { get; init; } = "";
}
