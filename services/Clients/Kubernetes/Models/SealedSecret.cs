using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>A Bitnami SealedSecret (<c>bitnami.com/v1alpha1</c>): encrypted data the in-cluster controller unseals into a Secret of the same name.</summary>
[KubernetesEntity(Group = KubeGroup, ApiVersion = KubeApiVersion, Kind = KubeKind, PluralName = KubePluralName)]
public sealed class SealedSecret : IKubernetesObject<V1ObjectMeta>
{
    public const string KubeGroup = "bitnami.com";
    public const string KubeApiVersion = "v1alpha1";
    public const string KubeKind = "SealedSecret";
    public const string KubePluralName = "sealedsecrets";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{KubeGroup}/{KubeApiVersion}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public SealedSecretSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public SealedSecretStatus? Status { get; set; }
}
