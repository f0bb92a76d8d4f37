using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>The Node object the sandbox's kubelet registers for its one node, Ready, with its capacity and addresses.</summary>
public static class NodeDescription
{
    public static JsonObject Node() => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = Kubelet.NodeName,
            ["labels"] = new JsonObject(Kubelet.NodeLabels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value))),
            ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" },
        },
        ["spec"] = new JsonObject { ["podCIDR"] = "10.244.0.0/16", ["podCIDRs"] = new JsonArray("10.244.0.0/16") },
    };

    public static JsonObject Status()
    {
        var now = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        var resources = new JsonObject
        {
            ["cpu"] = Kubelet.NodeCpu.ToString(CultureInfo.InvariantCulture),
            ["ephemeral-storage"] = "102400000Ki",
            ["memory"] = $"{(long)(Kubelet.NodeMemoryBytes / 1024)}Ki",
            ["pods"] = "110",
        };
        return new JsonObject
        {
            ["capacity"] = resources,
            ["allocatable"] = resources.DeepClone(),
            ["conditions"] = new JsonArray(
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)),
            ["addresses"] = new JsonArray(
                new JsonObject { ["type"] = "InternalIP", ["address"] = Kubelet.HostIp },
                new JsonObject { ["type"] = "Hostname", ["address"] = Kubelet.NodeName }),
            ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
            ["nodeInfo"] = new JsonObject
            {
                ["machineID"] = "0c3f0e3b5d2a4a1e9f4c8b7a6d5e4f3a",
                ["systemUUID"] = "0c3f0e3b-5d2a-4a1e-9f4c-8b7a6d5e4f3a",
                ["bootID"] = Guid.NewGuid().ToString(),
                ["kernelVersion"] = "6.1.0-28-amd64",
                ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                ["containerRuntimeVersion"] = "containerd://1.7.24",
                ["kubeletVersion"] = "v1.32.0",
                ["kubeProxyVersion"] = "v1.32.0",
                ["operatingSystem"] = "linux",
                ["architecture"] = "amd64",
            },
        };
    }

    private static JsonObject Condition(string type, string status, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastHeartbeatTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };
}
