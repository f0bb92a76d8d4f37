using System.Collections.Concurrent;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// Services and their ready pods as a test declares them, standing in for the Kubernetes stand-in's (which sets
/// <c>SandboxContext.ClusterServices</c> once it has pods): a Service port with or without a ready process behind it.
/// </summary>
public sealed class StubClusterServices : IClusterServices
{
    private readonly ConcurrentDictionary<(string Namespace, string Name, int Port), IContainerProcess?> _services = new();

    /// <summary>Declares Service <paramref name="name"/> in <paramref name="ns"/> on <paramref name="port"/>, backed by <paramref name="ready"/> (null: no ready pod).</summary>
    public void Expose(string ns, string name, int port, IContainerProcess? ready) => _services[(ns, name, port)] = ready;

    public bool Exposes(string ns, string name, int port) => _services.ContainsKey((ns, name, port));

    public (IContainerProcess Process, int ContainerPort)? ReadyEndpoint(string ns, string name, int port) =>
        _services.TryGetValue((ns, name, port), out var process) && process is not null ? (process, port) : null;
}
