using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>The JSON of any <c>…List</c> answer, for kinds read through the generic API.</summary>
internal sealed class KubernetesListBody<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public List<T>? Items { get; set; }
}
