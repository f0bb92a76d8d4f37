using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>One condition of a SealedSecret, e.g. <c>Synced</c> True, or False with reason <c>ErrUnsealFailed</c>.</summary>
public sealed class SealedSecretCondition
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; set; } = "";

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("lastUpdateTime")]
    public DateTime? LastUpdateTime { get; set; }

    [JsonPropertyName("lastTransitionTime")]
    public DateTime? LastTransitionTime { get; set; }
}
