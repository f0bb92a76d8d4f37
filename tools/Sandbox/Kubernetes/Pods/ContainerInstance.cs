namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// One run of one container: its process, log and identity, and what its probes, its exit and the job completion hooks
/// have decided so far. The kubelet's sync owns it; probes, the exit and the hooks only set the flags below.
/// </summary>
internal sealed class ContainerInstance(IContainerProcess process, ContainerLaunch launch, string containerId, ContainerLogBuffer log)
{
    private volatile bool _started;
    private volatile bool _ready;
    private volatile string? _killReason;
    private int _exitCode = -1;
    private int _verdictExitCode = -1;

    public IContainerProcess Process { get; } = process;

    public ContainerLaunch Launch { get; } = launch;

    public string ContainerId { get; } = containerId;

    public ContainerLogBuffer Log { get; } = log;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public string Image => Launch.Image;

    /// <summary>Stops the probes when the run ends.</summary>
    public CancellationTokenSource ProbesStop { get; } = new();

    /// <summary>The startup probe passed (or there is none).</summary>
    public bool Started
    {
        get => _started;
        set => _started = value;
    }

    /// <summary>The readiness probe passes (or there is none and the container has started).</summary>
    public bool Ready
    {
        get => _ready;
        set => _ready = value;
    }

    /// <summary>Set when a liveness or startup probe gave up: the kubelet kills this run.</summary>
    public string? KillReason
    {
        get => _killReason;
        set => _killReason = value;
    }

    /// <summary>The process's own exit code once it has exited; null while it runs.</summary>
    public int? ExitCode
    {
        get => Volatile.Read(ref _exitCode) is var code and >= 0 ? code : null;
        set => Volatile.Write(ref _exitCode, value ?? -1);
    }

    /// <summary>True while the job completion hooks judge this run.</summary>
    public bool Judging { get; set; }

    /// <summary>The exit code the hooks decided, once they have.</summary>
    public int? VerdictExitCode
    {
        get => Volatile.Read(ref _verdictExitCode) is var code and >= 0 ? code : null;
        set => Volatile.Write(ref _verdictExitCode, value ?? -1);
    }

    /// <summary>The termination message (a failing hook's reason).</summary>
    public string? TerminationMessage { get; set; }
}
