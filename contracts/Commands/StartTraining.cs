namespace Mlops.Contracts;

/// <summary>
/// Asks the TrainingCoordinator to train a model on a stack once the stack is ready: an MLflow run, then a Kubernetes Job
/// (or an Argo Workflow) that joins it, then a READY model version. Validated on arrival; see docs/training-coordinator.md.
/// </summary>
public sealed record StartTraining : IFlowMessage
{
    /// <summary>The registered model, the experiment and the command of the stack this product replaces.</summary>
    public const string DefaultModelName = "cnn_classifier";

    public const string DefaultExperimentName = "cnn_classifier";

    public const string JobRunner = "job";

    public const string ArgoRunner = "argo";

    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>
    /// The run's id, chosen by the caller so that sending the same request again is the same run; null: the message's
    /// own id (so a redelivery is still one run, and the id comes back in <see cref="TrainingRunStarted"/>).
    /// </summary>
    public Guid? TrainingId { get; init; }

    /// <summary>The stack to train on; the run waits until it is ready.</summary>
    public required string StackName { get; init; }

    public string ModelName { get; init; } = DefaultModelName;

    public string ExperimentName { get; init; } = DefaultExperimentName;

    /// <summary>The training image, e.g. <c>ghcr.io/example/cnn-train:1.4</c>.</summary>
    public required string Image { get; init; }

    /// <summary>The container's command; empty: <c>python train.py</c>.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>
    /// The script's arguments; empty: <c>--save_dir models --arch vgg16 --epochs 5</c>, after the training data volume's
    /// mount path when a volume is marked as holding the training data.
    /// </summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Hyperparameters, passed as <c>--name value</c> (replacing an argument of that name), e.g. <c>epochs</c> = <c>10</c>.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>CPU, memory, GPUs and where the pod may be scheduled; null: the cluster's defaults.</summary>
    public TrainingResources? Resources { get; init; }

    /// <summary>Volumes mounted into the training container, e.g. a PersistentVolumeClaim holding the training data.</summary>
    public IReadOnlyList<TrainingVolume> Volumes { get; init; } = [];

    /// <summary>Secrets (in the training namespace) to pull a private image with.</summary>
    public IReadOnlyList<string> ImagePullSecrets { get; init; } = [];

    /// <summary>The pod's service account; null: the namespace's default.</summary>
    public string? ServiceAccount { get; init; }

    /// <summary>Where the Job runs; null: the stack's own namespace. It must be one of the stack's namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary><see cref="JobRunner"/> (a Kubernetes Job, the default) or <see cref="ArgoRunner"/> (an Argo Workflow).</summary>
    public string Runner { get; init; } = JobRunner;

    /// <summary>How long the training may run (the Job's <c>activeDeadlineSeconds</c>); null: the coordinator's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// True when the script registers the model version itself (e.g. <c>--registered-model-name</c>, under
    /// <see cref="ModelName"/>); false: the coordinator registers the model the run logged.
    /// </summary>
    public bool ScriptRegistersModel { get; init; }

    /// <summary>Who asked (the ops token's name), for the saga's history.</summary>
    public string? RequestedBy { get; init; }
}
