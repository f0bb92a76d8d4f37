using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>Metadata and type of the Secret unsealed from a SealedSecret.</summary>
public sealed class SealedSecretTemplate
{
    [JsonPropertyName("metadata")]
    public V1ObjectMeta? Metadata { get; set; }

    /// <summary>The Secret's type, e.g. <c>Opaque</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
