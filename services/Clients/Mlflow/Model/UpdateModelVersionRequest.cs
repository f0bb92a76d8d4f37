namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>model-versions/update</c>.</summary>
public sealed record UpdateModelVersionRequest
{
    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    public string? Description { get; init; }
}
