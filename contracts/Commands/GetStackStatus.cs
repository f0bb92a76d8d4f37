namespace Mlops.Contracts;

/// <summary>Asks the Provisioner where a stack stands, answered with <see cref="StackStatus"/>; it changes nothing.</summary>
public sealed record GetStackStatus : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }
}
