using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>The Workflow controller's report: phase (see <see cref="WorkflowPhase"/>), times, message, progress.</summary>
public sealed class WorkflowStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("startedAt")]
    public DateTime? StartedAt { get; set; }

    [JsonPropertyName("finishedAt")]
    public DateTime? FinishedAt { get; set; }

    /// <summary>Why it failed, when it did.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Finished over total pods, e.g. <c>1/1</c>.</summary>
    [JsonPropertyName("progress")]
    public string? Progress { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
