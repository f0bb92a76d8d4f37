using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// Services as the cluster network sees them: a Service's endpoints are the running, ready pods its selector picks
/// (not-ready ones too with <c>publishNotReadyAddresses</c>), each at the container port its <c>targetPort</c> names by
/// number or by name, served by the container that declares that port (else the pod's first running container).
/// </summary>
public sealed class ClusterServices(KubernetesRegistry registry, PodWorkers workers) : IClusterServices
{
    public bool Exposes(string ns, string name, int port) =>
        registry.Find(ResourceCatalog.Services, ns, name)?["spec"]?["ports"] is JsonArray ports && ports.Any(p => p.Number("port") == port);

    public (IContainerProcess Process, int ContainerPort)? ReadyEndpoint(string ns, string name, int port)
    {
        var service = registry.Find(ResourceCatalog.Services, ns, name);
        var servicePort = (service?["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => p.Number("port") == port);
        if (service is null || servicePort is null)
            return null;
        var endpoints = Endpoints(service, servicePort);
        if (endpoints.Count == 0)
            return null;
        var chosen = endpoints[Random.Shared.Next(endpoints.Count)];
        return (chosen.Process, chosen.ContainerPort);
    }

    /// <summary>The endpoints of one port of a Service: each backing pod with its process and container port.</summary>
    public IReadOnlyList<(JsonObject Pod, IContainerProcess Process, int ContainerPort)> Endpoints(JsonObject service, JsonObject servicePort)
    {
        var selector = service["spec"]?["selector"] as JsonObject;
        if (selector is null || selector.Count == 0)
            return [];
        var publishNotReady = service["spec"]?["publishNotReadyAddresses"]?.GetValue<bool>() == true;
        var matches = LabelSelector.FromObject(new JsonObject { ["matchLabels"] = selector.DeepClone() });
        var endpoints = new List<(JsonObject, IContainerProcess, int)>();
        foreach (var pod in registry.List(ResourceCatalog.Pods, service.Namespace(), matches).Items)
        {
            if (KubernetesRegistry.IsDeleting(pod) || pod["status"].String("phase") != "Running")
                continue;
            var ready = (pod["status"]?["conditions"] as JsonArray ?? []).Any(c => c.String("type") == "Ready" && c.String("status") == "True");
            if (!ready && !publishNotReady)
                continue;
            var containers = workers.ContainersOf(pod.Uid()).Where(c => !c.IsInit || c.Process is not null).ToList();
            var target = servicePort["targetPort"] ?? servicePort["port"];
            int containerPort;
            if (target is JsonValue value && value.TryGetValue<string>(out var portName) && !int.TryParse(portName, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                var named = containers.FirstOrDefault(c => c.NamedPorts.ContainsKey(portName));
                if (named is null)
                    continue;
                containerPort = named.NamedPorts[portName];
            }
            else
                containerPort = int.Parse(target!.ToString(), CultureInfo.InvariantCulture);
            var serving = containers.FirstOrDefault(c => c.Process is not null && c.DeclaredPorts.Contains(containerPort))
                          ?? containers.FirstOrDefault(c => c.Process is not null);
            if (serving?.Process is { } process)
                endpoints.Add((pod, process, containerPort));
        }
        return endpoints;
    }
}
