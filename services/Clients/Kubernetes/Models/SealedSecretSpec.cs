using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>The sealed values, by Secret key, and the shape of the Secret the controller makes.</summary>
public sealed class SealedSecretSpec
{
    /// <summary>Each value encrypted for this cluster's sealing key (base64), by Secret key.</summary>
    [JsonPropertyName("encryptedData")]
    public IDictionary<string, string> EncryptedData { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    [JsonPropertyName("template")]
    public SealedSecretTemplate? Template { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
