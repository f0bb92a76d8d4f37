using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>The parts of a Workflow's spec the product writes; other fields are kept as they are read.</summary>
public sealed class WorkflowSpec
{
    /// <summary>Name of the template the workflow starts with.</summary>
    [JsonPropertyName("entrypoint")]
    public string? Entrypoint { get; set; }

    [JsonPropertyName("templates")]
    public IList<WorkflowTemplate> Templates { get; set; } = [];

    [JsonPropertyName("arguments")]
    public WorkflowArguments? Arguments { get; set; }

    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; set; }

    [JsonPropertyName("activeDeadlineSeconds")]
    public long? ActiveDeadlineSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
