using MassTransit;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>One training run, from the request to a READY model version; its id is the training id.</summary>
public sealed class TrainingRunState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public Guid FlowId { get; set; }

    /// <summary>The stack the run trains on; indexed so a stack's events find the runs waiting for it.</summary>
    [SagaIndex]
    public string? StackName { get; set; }

    /// <summary>The request with its defaults applied; null only when it was rejected.</summary>
    public TrainingPlan? Plan { get; set; }

    /// <summary>Why the request was rejected, when it was.</summary>
    public string? Rejection { get; set; }

    /// <summary>What the stack announced once it was ready.</summary>
    public StackReady? Stack { get; set; }

    /// <summary>Where the stack last stood while the run waited for it (its saga's state), for the failure's reason.</summary>
    public string? StackLastSeen { get; set; }

    /// <summary>Where the run trains and with which Secret; set when the MLflow run is created.</summary>
    public StackTarget? Target { get; set; }

    public string? ExperimentId { get; set; }

    public string? RunId { get; set; }

    public string? ArtifactUri { get; set; }

    /// <summary>The Job (or Workflow) attempt: 1, then one more for each failed Job that is replayed.</summary>
    public int JobAttempt { get; set; } = 1;

    /// <summary>The current attempt's Job or Workflow; status of any other is not this run's any more.</summary>
    public string? JobName { get; set; }

    /// <summary><c>Job</c> or <c>Workflow</c>.</summary>
    public string? JobKind { get; set; }

    /// <summary>The Jobs of earlier attempts, deleted when a new one is submitted if they still run.</summary>
    public List<string> EarlierJobs { get; set; } = [];

    public DateTimeOffset? JobSubmittedAt { get; set; }

    /// <summary>What the watcher last said about the pod (e.g. why it waits), for people following the run.</summary>
    public string? JobStatus { get; set; }

    /// <summary>The run's final metrics, read once the Job succeeded.</summary>
    public Dictionary<string, double> Metrics { get; set; } = new(StringComparer.Ordinal);

    public string? ModelVersion { get; set; }

    public string? ModelSource { get; set; }

    /// <summary>The MLflow 3 logged model the version registers, when there is one.</summary>
    public string? LoggedModelId { get; set; }

    public DateTimeOffset? RegisteredAt { get; set; }

    /// <summary>Whether the version was READY when last looked at.</summary>
    public bool VersionReady { get; set; }

    /// <summary>Versions that ended FAILED_REGISTRATION: a replay registers a new one instead.</summary>
    public List<string> RejectedVersions { get; set; } = [];

    /// <summary>Why the run is being stopped (its Job deleted) before it fails, with the pod log's last lines.</summary>
    public string? StopReason { get; set; }

    public List<string> StopLogTail { get; set; } = [];

    /// <summary>Whether stopping deletes the Job: one that has not finished (stuck, overdue); a finished one stays as evidence.</summary>
    public bool StopDeletesJob { get; set; }

    /// <summary>The last lines of the pod log of the Job that failed.</summary>
    public List<string> LogTail { get; set; } = [];

    public string? CancelledBy { get; set; }

    public string? CancelReason { get; set; }

    public SagaStepProgress? PendingStep { get; set; }

    public SagaStepFailure? FailedStep { get; set; }
}
