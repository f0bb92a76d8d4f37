using Mlops.Contracts;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>A step of a model home failed for good; the reason says which and why.</summary>
public sealed record ModelHomeFailed : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid CorrelationId { get; init; }

    public required string Step { get; init; }

    public required string Reason { get; init; }
}
