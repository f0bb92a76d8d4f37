namespace Mlops.ModelPromoter.Serving;

/// <summary>The labels and annotations the promoter puts on what it runs, and reads back to know what is whose.</summary>
public static class ModelServerLabels
{
    /// <summary>Label of every model server (the original homelab's).</summary>
    public const string App = "app";

    public const string AppValue = "mlflow-model-server";

    /// <summary>Label with the sanitised model name.</summary>
    public const string Model = "model";

    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public const string ManagedByValue = "mlops-model-promoter";

    /// <summary>The MLflow name as the registry spells it; label values cannot hold most of them.</summary>
    public const string ModelNameAnnotation = "mlops.dev/model-name";

    public const string ModelVersionAnnotation = "mlops.dev/model-version";

    /// <summary>The serving saga that owns the object; the rollout watcher correlates its reports by it.</summary>
    public const string ServingSagaAnnotation = "mlops.dev/serving-saga";

    /// <summary>A hash of the pod template as the promoter wrote it, so a write that changes nothing is not made.</summary>
    public const string TemplateHashAnnotation = "mlops.dev/template-hash";

    /// <summary>What the rollout watcher lists and watches.</summary>
    public const string WatchSelector = $"{App}={AppValue},{ManagedBy}={ManagedByValue}";
}
