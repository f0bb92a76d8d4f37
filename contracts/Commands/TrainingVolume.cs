namespace Mlops.Contracts;

/// <summary>A volume of the training pod: a PersistentVolumeClaim, a ConfigMap or an empty directory, mounted at a path.</summary>
public sealed record TrainingVolume
{
    /// <summary>The volume's name in the pod (a DNS-1123 label).</summary>
    public required string Name { get; init; }

    /// <summary>An absolute path in the container.</summary>
    public required string MountPath { get; init; }

    /// <summary>The PersistentVolumeClaim to mount (in the training namespace).</summary>
    public string? ClaimName { get; init; }

    /// <summary>The ConfigMap to mount, instead of a claim.</summary>
    public string? ConfigMapName { get; init; }

    /// <summary>An empty directory for the pod's life, instead of a claim.</summary>
    public bool EmptyDir { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary>True for the volume holding the training data: the default arguments start with its mount path.</summary>
    public bool TrainingData { get; init; }
}
