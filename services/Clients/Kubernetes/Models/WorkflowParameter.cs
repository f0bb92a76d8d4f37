using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>A named Workflow parameter.</summary>
public sealed class WorkflowParameter
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
