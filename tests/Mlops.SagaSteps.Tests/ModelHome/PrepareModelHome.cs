using Mlops.Contracts;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>Asks for a registered model's home: the model checked in MLflow, its MLmodel found in MinIO, a ConfigMap recording both.</summary>
public sealed record PrepareModelHome : IFlowMessage
{
    public required Guid CorrelationId { get; init; }

    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Bucket { get; init; }

    public required string Namespace { get; init; }
}
