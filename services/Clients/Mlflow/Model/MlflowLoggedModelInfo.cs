namespace Mlops.Clients.Mlflow.Model;

/// <summary>An MLflow 3 logged model's attributes: where its artifacts are and which run made it.</summary>
public sealed record MlflowLoggedModelInfo
{
    public string ModelId { get; init; } = "";

    public string? ExperimentId { get; init; }

    public string? Name { get; init; }

    public long? CreationTimestampMs { get; init; }

    public long? LastUpdatedTimestampMs { get; init; }

    /// <summary>The directory holding the model's artifacts (its <c>MLmodel</c>).</summary>
    public string? ArtifactUri { get; init; }

    /// <summary><c>LOGGED_MODEL_PENDING</c>, <c>LOGGED_MODEL_READY</c> or <c>LOGGED_MODEL_UPLOAD_FAILED</c>.</summary>
    public string? Status { get; init; }

    public string? ModelType { get; init; }

    public string? SourceRunId { get; init; }

    public string? StatusMessage { get; init; }

    public IReadOnlyList<MlflowTag> Tags { get; init; } = [];

    public IReadOnlyList<MlflowLoggedModelRegistration> Registrations { get; init; } = [];
}
