namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>registered-models/update</c>.</summary>
public sealed record UpdateRegisteredModelRequest
{
    public string Name { get; init; } = "";

    public string? Description { get; init; }
}
