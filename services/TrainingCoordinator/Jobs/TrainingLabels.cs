namespace Mlops.TrainingCoordinator.Jobs;

/// <summary>The labels the watcher selects training Jobs, Workflows and their pods by, and the annotations that tie them to a run.</summary>
public static class TrainingLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public const string ManagedByValue = "mlops-training-coordinator";

    public const string Component = "app.kubernetes.io/component";

    public const string ComponentValue = "training";

    /// <summary>The training id (the saga's id), also as a label so <c>kubectl get jobs -l</c> finds a run's Jobs.</summary>
    public const string TrainingId = "mlops.dev/training-id";

    /// <summary>The model's name made label-safe; the real name is in <see cref="ModelNameAnnotation"/>.</summary>
    public const string Model = "mlops.dev/model";

    /// <summary>The saga the Job belongs to: the watcher correlates its status by this.</summary>
    public const string SagaIdAnnotation = "mlops.dev/saga-id";

    public const string FlowIdAnnotation = "mlops.dev/flow-id";

    public const string ModelNameAnnotation = "mlops.dev/model-name";

    public const string RunIdAnnotation = "mlops.dev/mlflow-run-id";

    public const string AttemptAnnotation = "mlops.dev/attempt";

    public const string StackAnnotation = "mlops.dev/stack";

    /// <summary>The label selector of everything this service manages.</summary>
    public const string Selector = ManagedBy + "=" + ManagedByValue;

    /// <summary>Set by the job controller on a Job's pods.</summary>
    public const string JobNameLabel = "job-name";

    /// <summary>Set by Argo on a Workflow's pods.</summary>
    public const string WorkflowLabel = "workflows.argoproj.io/workflow";

    /// <summary>The training container's name in the pod (Argo names its own <c>main</c>).</summary>
    public const string ContainerName = "train";
}
