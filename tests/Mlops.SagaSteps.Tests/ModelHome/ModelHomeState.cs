using MassTransit;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>One model home being prepared.</summary>
public sealed class ModelHomeState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public Guid FlowId { get; set; }

    public string ModelName { get; set; } = "";

    public string Bucket { get; set; } = "";

    public string Namespace { get; set; } = "";

    /// <summary>From MLflow: when the registered model was created.</summary>
    public long? ModelCreatedAt { get; set; }

    /// <summary>From MinIO: the MLmodel file's ETag.</summary>
    public string? ArtifactETag { get; set; }

    public string? ConfigMap { get; set; }

    public SagaStepProgress? PendingStep { get; set; }

    public SagaStepFailure? FailedStep { get; set; }
}
