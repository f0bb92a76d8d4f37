using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>What the sealed-secrets controller reports: condition <c>Synced</c> and the generation it last unsealed.</summary>
public sealed class SealedSecretStatus
{
    [JsonPropertyName("conditions")]
    public IList<SealedSecretCondition>? Conditions { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>The <c>Synced</c> condition: True once the Secret exists, False with <c>ErrUnsealFailed</c> when it cannot be unsealed here.</summary>
    [JsonIgnore]
    public SealedSecretCondition? Synced => Conditions?.FirstOrDefault(c => c.Type == "Synced");
}
