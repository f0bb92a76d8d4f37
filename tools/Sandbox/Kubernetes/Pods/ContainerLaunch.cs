using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>One start of one container: what the process is given, as a kubelet would give it.</summary>
public sealed class ContainerLaunch
{
    public required string Namespace { get; init; }

    public required string PodName { get; init; }

    public required string ContainerName { get; init; }

    public required string Image { get; init; }

    /// <summary>The container's <c>command</c> (the image's entrypoint when empty).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The container's <c>args</c>.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>The environment as the process sees it: literal values, and secretKeyRef, configMapKeyRef and envFrom resolved.</summary>
    public required IReadOnlyDictionary<string, string> Env { get; init; }

    /// <summary>The pod as stored (a copy; changing it changes nothing).</summary>
    public required JsonObject Pod { get; init; }

    /// <summary>Where the process writes what <c>kubectl logs</c> shows.</summary>
    public required IContainerLog Log { get; init; }

    /// <summary>How many times this container has been restarted before this start.</summary>
    public int RestartCount { get; init; }

    /// <summary>Command and args as one list, as the process's argv would hold them.</summary>
    public IReadOnlyList<string> Argv => [.. Command, .. Args];
}
