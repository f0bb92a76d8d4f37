namespace Mlops.Sandbox.Kubernetes;

/// <summary>Timing of the Kubernetes stand-in (<c>Sandbox:Kubernetes:*</c>); tests make them short.</summary>
public sealed class KubernetesOptions
{
    /// <summary>Time between a spec change and its controller observing it (status.observedGeneration lags this long).</summary>
    public TimeSpan ObserveDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time a pod with a pullable image takes to become ready.</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time a Job's pod runs before it ends.</summary>
    public TimeSpan JobDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Time a Workflow stays Pending, and then Running.</summary>
    public TimeSpan WorkflowPhaseDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time the sealed-secrets controller takes to unseal.</summary>
    public TimeSpan UnsealDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Seconds of sandbox time per second written in a spec: progressDeadlineSeconds and activeDeadlineSeconds are
    /// multiplied by it (0.01 turns the default 600 s progress deadline into 6 s).
    /// </summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>Changes kept for watches; a watch from an older resourceVersion gets 410 Gone.</summary>
    public int WatchHistory { get; set; } = 1000;

    /// <summary>A spec duration in sandbox time.</summary>
    public TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(seconds * TimeScale);
}
