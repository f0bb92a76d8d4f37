namespace Mlops.Contracts;

/// <summary>A model version is READY in the MLflow registry and may be served.</summary>
public sealed record ModelRegistered : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string RunId { get; init; }

    /// <summary>The version's source as the registry holds it (a storage URI, or <c>models:/m-&lt;id&gt;</c> on MLflow 3).</summary>
    public required string Source { get; init; }

    /// <summary>The stack the model was trained on; null when not known.</summary>
    public string? StackName { get; init; }

    /// <summary>The training run that produced it, when the TrainingCoordinator did.</summary>
    public Guid? TrainingId { get; init; }

    /// <summary>The run's final metrics (e.g. <c>accuracy</c>), for promotion gates.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
