namespace Mlops.Contracts;

/// <summary>The alias points at the version that now serves.</summary>
public sealed record ModelPromoted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string Alias { get; init; }
}
