namespace Mlops.TrainingCoordinator.Training;

/// <summary>The <c>Training</c> section: how long a run may wait and train, what its Job looks like, and how the watcher looks.</summary>
public sealed class TrainingSettings
{
    public const string Section = "Training";

    /// <summary>How long a run waits for its stack to be ready before it fails.</summary>
    public TimeSpan StackWaitTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The Job's <c>activeDeadlineSeconds</c> when the request gives no timeout.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The longest timeout a request may ask for.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Time past the training timeout after which a run with no outcome from the watcher fails.</summary>
    public TimeSpan OutcomeGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The Job's <c>backoffLimit</c> (the Workflow's retry limit): pods tried again before the Job fails.</summary>
    public int BackoffLimit { get; set; }

    /// <summary>The Job's <c>ttlSecondsAfterFinished</c> (the Workflow's <c>ttlStrategy</c>).</summary>
    public TimeSpan TtlAfterFinished { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a pod may fail to pull its image before the run fails.</summary>
    public TimeSpan ImagePullGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a pod may fail to be created (a Secret or key its env names is missing) before the run fails.</summary>
    public TimeSpan ContainerConfigGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a registered version still PENDING_REGISTRATION is looked at again.</summary>
    public TimeSpan ReadyPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a version may stay PENDING_REGISTRATION before the run fails.</summary>
    public TimeSpan RegistrationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where in a run's artifacts an MLflow 2 script logs its model (<c>log_model(model, "model")</c>).</summary>
    public string ModelArtifactPath { get; set; } = "model";

    /// <summary>Overall deadline of each outside step (MLflow, Kubernetes) through transient failures.</summary>
    public TimeSpan StepDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lines of the training pod's log kept with a failure.</summary>
    public int LogTailLines { get; set; } = 20;

    /// <summary>The pod's <c>AWS_DEFAULT_REGION</c> (MinIO accepts any; botocore wants one).</summary>
    public string S3Region { get; set; } = "us-east-1";

    /// <summary>
    /// Whether Argo Workflows are watched and the <c>argo</c> runner accepted. Off where the chart grants no access to
    /// <c>workflows</c> (<c>trainingCoordinator.argo.enabled: false</c>), so the watcher never asks for what it may not read.
    /// </summary>
    public bool WatchWorkflows { get; set; } = true;

    /// <summary>Namespaces watched from the start, besides those of the runs in flight.</summary>
    public IList<string> Namespaces { get; set; } = [];

    /// <summary>How often the watcher lists everything again (and rereads which namespaces have runs in flight).</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the watcher reads the pods of unfinished Jobs to explain a stuck one.</summary>
    public TimeSpan PodCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before the watcher tries again after the API server failed it.</summary>
    public TimeSpan WatchRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
