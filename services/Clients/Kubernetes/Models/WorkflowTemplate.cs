using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>One template of a Workflow; a container template runs one pod.</summary>
public sealed class WorkflowTemplate
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("container")]
    public V1Container? Container { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
