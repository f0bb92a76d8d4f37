namespace Mlops.TrainingCoordinator.Ops;

/// <summary>The body of <c>POST /ops/training</c>: what a person names to start a run; the rest takes the contract's defaults.</summary>
public sealed record TrainingRequestBody
{
    public required string StackName { get; init; }

    public string? ExperimentName { get; init; }

    public string? ModelName { get; init; }

    public required string Image { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    public Guid? TrainingId { get; init; }

    /// <summary><c>job</c> (the default) or <c>argo</c>, as <see cref="Contracts.StartTraining.Runner"/>.</summary>
    public string? Runner { get; init; }
}
