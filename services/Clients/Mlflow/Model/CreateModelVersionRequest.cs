namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>model-versions/create</c>; <c>source</c> is required.</summary>
public sealed record CreateModelVersionRequest
{
    public string Name { get; init; } = "";

    public string Source { get; init; } = "";

    public string? RunId { get; init; }

    public IReadOnlyList<MlflowTag>? Tags { get; init; }

    public string? RunLink { get; init; }

    public string? Description { get; init; }

    /// <summary>The MLflow 3 logged model to register.</summary>
    public string? ModelId { get; init; }
}
