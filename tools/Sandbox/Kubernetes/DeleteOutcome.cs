using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>What a delete did: the object (as removed, or as it stays while finalizers or grace run) and whether it is gone.</summary>
public sealed record DeleteOutcome(JsonObject Object, bool Removed);
