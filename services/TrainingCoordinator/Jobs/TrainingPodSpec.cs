using System.Globalization;
using k8s.Models;
using Mlops.Contracts;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Jobs;

/// <summary>
/// The training container and its pod, the same for a Job and an Argo Workflow: the image, command and arguments of the
/// plan; MLflow's and MinIO's in-cluster addresses, the MLflow run to join; the S3 credentials only as
/// <c>secretKeyRef</c>s to the stack's Secret, never as values; resources, volumes, scheduling.
/// </summary>
public static class TrainingPodSpec
{
    /// <summary>The container of the run's current attempt.</summary>
    public static V1Container Container(TrainingRunState saga, TrainingSettings settings)
    {
        var (plan, target) = Require(saga);
        return new V1Container
        {
            Name = TrainingLabels.ContainerName,
            Image = plan.Image,
            Command = [.. plan.Command],
            Args = [.. plan.Arguments],
            Env = Environment(saga, target, settings),
            Resources = Resources(plan.Resources),
            VolumeMounts = plan.Volumes.Count == 0 ? null : plan.Volumes.Select(v => new V1VolumeMount
            {
                Name = v.Name,
                MountPath = v.MountPath,
                ReadOnlyProperty = v.ReadOnly ? true : null,
            }).ToList(),
        };
    }

    /// <summary>The pod's volumes, from the plan.</summary>
    public static List<V1Volume>? Volumes(TrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Volumes.Count == 0 ? null : plan.Volumes.Select(v => new V1Volume
        {
            Name = v.Name,
            PersistentVolumeClaim = v.ClaimName is null ? null : new V1PersistentVolumeClaimVolumeSource { ClaimName = v.ClaimName, ReadOnlyProperty = v.ReadOnly ? true : null },
            ConfigMap = v.ConfigMapName is null ? null : new V1ConfigMapVolumeSource { Name = v.ConfigMapName },
            EmptyDir = v.EmptyDir ? new V1EmptyDirVolumeSource() : null,
        }).ToList();
    }

    public static List<V1LocalObjectReference>? PullSecrets(TrainingPlan plan) =>
        plan.ImagePullSecrets.Count == 0 ? null : plan.ImagePullSecrets.Select(s => new V1LocalObjectReference { Name = s }).ToList();

    public static Dictionary<string, string>? NodeSelector(TrainingPlan plan) =>
        plan.Resources?.NodeSelector is { Count: > 0 } selector ? new Dictionary<string, string>(selector, StringComparer.Ordinal) : null;

    public static List<V1Toleration>? Tolerations(TrainingPlan plan) =>
        plan.Resources?.Tolerations is { Count: > 0 } tolerations
            ? tolerations.Select(t => new V1Toleration { Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect }).ToList()
            : null;

    /// <summary>Labels of the Job or Workflow and of its pods: what the watcher selects on.</summary>
    public static Dictionary<string, string> Labels(TrainingRunState saga) => new(StringComparer.Ordinal)
    {
        [TrainingLabels.ManagedBy] = TrainingLabels.ManagedByValue,
        [TrainingLabels.Component] = TrainingLabels.ComponentValue,
        [TrainingLabels.TrainingId] = saga.CorrelationId.ToString("D"),
        [TrainingLabels.Model] = TrainingJobNames.Slug(saga.Plan?.ModelName ?? "model"),
    };

    /// <summary>Annotations that tie the object to its run: the saga, the flow, the MLflow run, the attempt.</summary>
    public static Dictionary<string, string> Annotations(TrainingRunState saga) => new(StringComparer.Ordinal)
    {
        [TrainingLabels.SagaIdAnnotation] = saga.CorrelationId.ToString("D"),
        [TrainingLabels.FlowIdAnnotation] = saga.FlowId.ToString("D"),
        [TrainingLabels.ModelNameAnnotation] = saga.Plan?.ModelName ?? "",
        [TrainingLabels.RunIdAnnotation] = saga.RunId ?? "",
        [TrainingLabels.AttemptAnnotation] = saga.JobAttempt.ToString(CultureInfo.InvariantCulture),
        [TrainingLabels.StackAnnotation] = saga.StackName ?? "",
    };

    private static List<V1EnvVar> Environment(TrainingRunState saga, StackTarget target, TrainingSettings settings) =>
    [
        new() { Name = "MLFLOW_TRACKING_URI", Value = target.MlflowTrackingUri },
        new() { Name = "MLFLOW_S3_ENDPOINT_URL", Value = target.MinioEndpoint },
        new() { Name = "MLFLOW_EXPERIMENT_ID", Value = saga.ExperimentId },
        new() { Name = "MLFLOW_RUN_ID", Value = saga.RunId },
        new() { Name = "AWS_DEFAULT_REGION", Value = settings.S3Region },
        SecretReference("AWS_ACCESS_KEY_ID", target.SecretName, target.AccessKeyIdKey),
        SecretReference("AWS_SECRET_ACCESS_KEY", target.SecretName, target.SecretAccessKeyKey),
    ];

    private static V1EnvVar SecretReference(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    private static V1ResourceRequirements? Resources(TrainingResources? resources)
    {
        if (resources is null)
            return null;
        var requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (resources.Cpu is { } cpu)
            requests["cpu"] = new ResourceQuantity(cpu);
        if (resources.Memory is { } memory)
            requests["memory"] = new ResourceQuantity(memory);
        if (resources.CpuLimit is { } cpuLimit)
            limits["cpu"] = new ResourceQuantity(cpuLimit);
        if ((resources.MemoryLimit ?? resources.Memory) is { } memoryLimit)
            limits["memory"] = new ResourceQuantity(memoryLimit);
        // Extended resources such as GPUs are given as limits; Kubernetes sets the request equal.
        if (resources.Gpus > 0)
            limits["nvidia.com/gpu"] = new ResourceQuantity(resources.Gpus.ToString(CultureInfo.InvariantCulture));
        return requests.Count == 0 && limits.Count == 0 ? null : new V1ResourceRequirements
        {
            Requests = requests.Count == 0 ? null : requests,
            Limits = limits.Count == 0 ? null : limits,
        };
    }

    private static (TrainingPlan Plan, StackTarget Target) Require(TrainingRunState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return (saga.Plan ?? throw new InvalidOperationException($"Training run {saga.CorrelationId} has no plan."),
            saga.Target ?? throw new InvalidOperationException($"Training run {saga.CorrelationId} has no stack target yet."));
    }
}
