using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>An Argo Workflow (<c>argoproj.io/v1alpha1</c>): templates run as pods, with a phase the watcher follows.</summary>
[KubernetesEntity(Group = KubeGroup, ApiVersion = KubeApiVersion, Kind = KubeKind, PluralName = KubePluralName)]
public sealed class Workflow : IKubernetesObject<V1ObjectMeta>
{
    public const string KubeGroup = "argoproj.io";
    public const string KubeApiVersion = "v1alpha1";
    public const string KubeKind = "Workflow";
    public const string KubePluralName = "workflows";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{KubeGroup}/{KubeApiVersion}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WorkflowSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WorkflowStatus? Status { get; set; }
}
