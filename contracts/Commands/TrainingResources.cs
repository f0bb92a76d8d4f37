namespace Mlops.Contracts;

/// <summary>What the training pod asks of the cluster: CPU and memory (Kubernetes quantities), GPUs, and where it may run.</summary>
public sealed record TrainingResources
{
    /// <summary>Requested CPU, e.g. <c>2</c> or <c>500m</c>.</summary>
    public string? Cpu { get; init; }

    /// <summary>Requested memory, e.g. <c>8Gi</c>.</summary>
    public string? Memory { get; init; }

    /// <summary>CPU limit; null: none.</summary>
    public string? CpuLimit { get; init; }

    /// <summary>Memory limit; null: the requested memory.</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>GPUs as <c>nvidia.com/gpu</c> (a limit, as Kubernetes requires for extended resources); 0: none.</summary>
    public int Gpus { get; init; }

    /// <summary>Node labels the pod must run on, e.g. <c>nvidia.com/gpu.present</c> = <c>true</c>.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = new Dictionary<string, string>();

    /// <summary>Taints the pod tolerates, e.g. the GPU nodes' <c>nvidia.com/gpu:NoSchedule</c>.</summary>
    public IReadOnlyList<TrainingToleration> Tolerations { get; init; } = [];
}
