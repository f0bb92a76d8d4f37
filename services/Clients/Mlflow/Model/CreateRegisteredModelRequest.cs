namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>registered-models/create</c>.</summary>
public sealed record CreateRegisteredModelRequest
{
    public string Name { get; init; } = "";

    public IReadOnlyList<MlflowTag>? Tags { get; init; }

    public string? Description { get; init; }
}
