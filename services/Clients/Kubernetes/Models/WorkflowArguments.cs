using System.Text.Json.Serialization;

namespace Mlops.Clients.Kubernetes.Models;

/// <summary>The parameters a Workflow is submitted with.</summary>
public sealed class WorkflowArguments
{
    [JsonPropertyName("parameters")]
    public IList<WorkflowParameter> Parameters { get; set; } = [];
}
