namespace Mlops.Contracts;

/// <summary>A model version is READY in the MLflow registry and may be served.</summary>
public sealed record ModelRegistered : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string RunId { get; init; }

    public required string Source { get; init; }
}
