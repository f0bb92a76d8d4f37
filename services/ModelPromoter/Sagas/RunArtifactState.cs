using MassTransit;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A run (or MLflow 3 logged model) whose <c>MLmodel</c> MinIO reported: which run it is, whether the TrainingCoordinator
/// owns it, and, for a run from outside the product, the wait for a version registered from it (or registering one,
/// when the policy maps its experiment to a model).
/// </summary>
public sealed class RunArtifactState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public Guid FlowId { get; set; }

    public string? Bucket { get; set; }

    public string? StackName { get; set; }

    public string? ExperimentId { get; set; }

    [SagaIndex]
    public string? RunId { get; set; }

    public string? LoggedModelId { get; set; }

    /// <summary>The model directories MinIO reported for the run, first one first.</summary>
    public List<string> ArtifactPaths { get; set; } = [];

    /// <summary>The object keys reported, for people following it.</summary>
    public List<string> ObjectKeys { get; set; } = [];

    public DateTimeOffset? FirstSeenAt { get; set; }

    /// <summary>The run carries <c>mlops.training_id</c>: the coordinator registers it, and its ModelRegistered promotes it.</summary>
    public string? TrainingId { get; set; }

    /// <summary>The run's <c>mlops.flow_id</c>, when it has one.</summary>
    public Guid? RunFlowId { get; set; }

    /// <summary>The run's <c>mlops.stack</c>, else the bucket's stack.</summary>
    public string? ServingStack { get; set; }

    /// <summary>The model the policy registers the run's experiment as; null: only wait for someone else's version.</summary>
    public string? MappedModel { get; set; }

    public DateTimeOffset? RegisterAt { get; set; }

    public DateTimeOffset? WaitUntil { get; set; }

    /// <summary>The versions found (or registered) for the run, as <c>name</c> and <c>version</c>.</summary>
    public List<RunArtifactVersion> Versions { get; set; } = [];

    /// <summary>This promoter registered the version(s) above itself.</summary>
    public bool Registered { get; set; }

    public SagaStepProgress? PendingStep { get; set; }

    public SagaStepFailure? FailedStep { get; set; }
}
