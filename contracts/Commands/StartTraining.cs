namespace Mlops.Contracts;

/// <summary>Asks the TrainingCoordinator to train a model as a Kubernetes Job once its stack is ready.</summary>
public sealed record StartTraining : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public required string StackName { get; init; }

    public required string ExperimentName { get; init; }

    public required string ModelName { get; init; }

    public required string Image { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}
