using System.Text.Json;
using k8s;
using k8s.Models;
using Mlops.Clients.Kubernetes.Models;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Jobs;

/// <summary>The Kubernetes Job, or the Argo Workflow, of a run's current attempt, around <see cref="TrainingPodSpec"/>.</summary>
public static class TrainingManifests
{
    public const string JobKind = "Job";

    public const string WorkflowKind = "Workflow";

    /// <summary>The template's name in the Workflow.</summary>
    public const string WorkflowEntrypoint = "train";

    public static V1Job Job(TrainingRunState saga, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = saga.Plan!;
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = Metadata(saga),
            Spec = new V1JobSpec
            {
                BackoffLimit = settings.BackoffLimit,
                ActiveDeadlineSeconds = Seconds(plan.Timeout),
                TtlSecondsAfterFinished = (int)Seconds(settings.TtlAfterFinished),
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = TrainingPodSpec.Labels(saga), Annotations = TrainingPodSpec.Annotations(saga) },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        ServiceAccountName = plan.ServiceAccount,
                        ImagePullSecrets = TrainingPodSpec.PullSecrets(plan),
                        NodeSelector = TrainingPodSpec.NodeSelector(plan),
                        Tolerations = TrainingPodSpec.Tolerations(plan),
                        Volumes = TrainingPodSpec.Volumes(plan),
                        Containers = [TrainingPodSpec.Container(saga, settings)],
                    },
                },
            },
        };
    }

    /// <summary>
    /// The same container as an Argo Workflow with one container template; Argo's own fields the typed model does not
    /// carry (pod metadata, volumes, scheduling, retries, TTL) go in as Argo spells them.
    /// </summary>
    public static Workflow Workflow(TrainingRunState saga, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = saga.Plan!;
        var spec = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["podMetadata"] = Element(new { labels = TrainingPodSpec.Labels(saga), annotations = TrainingPodSpec.Annotations(saga) }),
            ["ttlStrategy"] = Element(new { secondsAfterCompletion = Seconds(settings.TtlAfterFinished) }),
        };
        if (TrainingPodSpec.Volumes(plan) is { } volumes)
            spec["volumes"] = Element(volumes);
        if (TrainingPodSpec.PullSecrets(plan) is { } pullSecrets)
            spec["imagePullSecrets"] = Element(pullSecrets);
        if (TrainingPodSpec.NodeSelector(plan) is { } nodeSelector)
            spec["nodeSelector"] = Element(nodeSelector);
        if (TrainingPodSpec.Tolerations(plan) is { } tolerations)
            spec["tolerations"] = Element(tolerations);
        return new Workflow
        {
            Metadata = Metadata(saga),
            Spec = new WorkflowSpec
            {
                Entrypoint = WorkflowEntrypoint,
                ServiceAccountName = plan.ServiceAccount,
                ActiveDeadlineSeconds = Seconds(plan.Timeout),
                Templates =
                [
                    new WorkflowTemplate
                    {
                        Name = WorkflowEntrypoint,
                        Container = TrainingPodSpec.Container(saga, settings),
                        Other = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
                        {
                            ["retryStrategy"] = Element(new { limit = settings.BackoffLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                        },
                    },
                ],
                Other = spec,
            },
        };
    }

    private static V1ObjectMeta Metadata(TrainingRunState saga) => new()
    {
        Name = saga.JobName ?? throw new InvalidOperationException($"Training run {saga.CorrelationId} has no Job name yet."),
        NamespaceProperty = saga.Target?.Namespace ?? throw new InvalidOperationException($"Training run {saga.CorrelationId} has no namespace yet."),
        Labels = TrainingPodSpec.Labels(saga),
        Annotations = TrainingPodSpec.Annotations(saga),
    };

    private static long Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds));

    // Serialized as KubernetesClient writes its models, so the fields have the API server's names.
    private static JsonElement Element(object value) => JsonDocument.Parse(KubernetesJson.Serialize(value)).RootElement.Clone();
}
