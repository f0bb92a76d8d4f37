using Mlops.Contracts;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>Every step of a model home succeeded.</summary>
public sealed record ModelHomeReady : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid CorrelationId { get; init; }

    public required string ConfigMap { get; init; }
}
