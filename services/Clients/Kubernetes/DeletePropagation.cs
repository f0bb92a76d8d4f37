namespace Mlops.Clients.Kubernetes;

/// <summary>What happens to the objects a deleted one owns (its ReplicaSets and Pods, a Job's Pods).</summary>
public enum DeletePropagation
{
    /// <summary>The object goes at once; the garbage collector removes its dependents afterwards.</summary>
    Background,

    /// <summary>The object stays (with a deletion timestamp) until its dependents are gone.</summary>
    Foreground,

    /// <summary>Dependents are kept, without an owner.</summary>
    Orphan,
}
