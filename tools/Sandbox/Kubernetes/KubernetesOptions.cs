namespace Mlops.Sandbox.Kubernetes;

/// <summary>Timing of the Kubernetes stand-in (<c>Sandbox:Kubernetes:*</c>); tests make them short.</summary>
public sealed class KubernetesOptions
{
    /// <summary>Time between a spec change and its controller observing it (status.observedGeneration lags this long).</summary>
    public TimeSpan ObserveDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time from a pod's scheduling to its containers' first start (the image pull and container creation).</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time a Job's pod runs before it ends, when no container program recognises it.</summary>
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

    /// <summary>Seconds of sandbox time per probe second (initialDelaySeconds, periodSeconds, timeoutSeconds); <see cref="TimeScale"/> when unset.</summary>
    public double? ProbeTimeScale { get; set; }

    /// <summary>
    /// Seconds of sandbox time per second of the kubelet's and job controller's back-offs (restarts and image pulls:
    /// 10 s doubling to 5 min; new pods of a failing Job: 10 s doubling to 10 min); <see cref="TimeScale"/> when unset.
    /// </summary>
    public double? BackoffTimeScale { get; set; }

    /// <summary>Changes kept for watches and consistent list pages; older versions get 410 Gone.</summary>
    public int WatchHistory { get; set; } = 1000;

    /// <summary>
    /// A watch without <c>timeoutSeconds</c> ends after a random time between this and twice this, as the API server's
    /// <c>--min-request-timeout</c> (1800 s) makes it; clients must then watch again from the last resourceVersion.
    /// </summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    public double EffectiveProbeTimeScale => ProbeTimeScale ?? TimeScale;

    public double EffectiveBackoffTimeScale => BackoffTimeScale ?? TimeScale;

    /// <summary>A spec duration in sandbox time.</summary>
    public TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(seconds * TimeScale);

    /// <summary>A back-off of the kubelet or a controller: <paramref name="initialSeconds"/> doubling per step, capped, in sandbox time.</summary>
    public TimeSpan Backoff(int step, double initialSeconds, double maxSeconds) =>
        step <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(maxSeconds, initialSeconds * Math.Pow(2, Math.Min(step - 1, 30))) * EffectiveBackoffTimeScale);
}
