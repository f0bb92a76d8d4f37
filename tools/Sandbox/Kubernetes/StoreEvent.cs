using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>One change in the store: ADDED, MODIFIED or DELETED, with the object after (for DELETED: as last stored, with the deletion's version) and before (none for ADDED).</summary>
public sealed record StoreEvent(long ResourceVersion, string Type, ResourceType Resource, JsonObject Object, JsonObject? Previous)
{
    public string? Namespace => Object["metadata"]?["namespace"]?.GetValue<string>();

    public string Name => Object["metadata"]!["name"]!.GetValue<string>();
}
