namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// MinIO reported an <c>MLmodel</c> in a stack's artifact bucket: a model of this run (or MLflow 3 logged model) was
/// logged. Published by the bucket notification consumer, which calls nothing outside; the run's saga does the lookups.
/// </summary>
public sealed record RunArtifactLogged
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string Bucket { get; init; }

    /// <summary>The decoded object key, for the history; the ids below are what was read from it.</summary>
    public required string ObjectKey { get; init; }

    public required string EventName { get; init; }

    public required string ExperimentId { get; init; }

    public string? RunId { get; init; }

    public string? LoggedModelId { get; init; }

    public required string ArtifactPath { get; init; }

    /// <summary>The stack whose artifact bucket it is.</summary>
    public required string StackName { get; init; }
}
