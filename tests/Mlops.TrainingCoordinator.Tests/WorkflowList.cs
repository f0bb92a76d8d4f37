using System.Text.Json.Serialization;
using Mlops.Clients.Kubernetes.Models;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A list of Argo Workflows as the API server answers it.</summary>
public sealed class WorkflowList
{
    [JsonPropertyName("items")]
    public IList<Workflow> Items { get; set; } = [];
}
