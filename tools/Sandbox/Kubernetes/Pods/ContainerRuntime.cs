using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// One container of a pod across its restarts, as the kubelet tracks it: exactly one of waiting (with a reason),
/// running (an instance) or terminated; the previous run's end; the restart count; the back-offs of image pulls and
/// restarts; and the logs of the current and the previous run.
/// </summary>
internal sealed class ContainerRuntime(JsonObject spec, bool isInit)
{
    public JsonObject Spec { get; set; } = spec;

    public string Name => Spec.String("name") ?? "";

    public string SpecImage => Spec.String("image") ?? "";

    public bool IsInit { get; } = isInit;

    /// <summary>An init container with <c>restartPolicy: Always</c>: it keeps running beside the main containers.</summary>
    public bool IsSidecar => IsInit && Spec.String("restartPolicy") == "Always";

    public ContainerInstance? Running { get; set; }

    public string? WaitingReason { get; set; } = "ContainerCreating";

    public string? WaitingMessage { get; set; }

    public TerminatedState? Terminated { get; set; }

    public TerminatedState? LastTerminated { get; set; }

    public int RestartCount { get; set; }

    /// <summary>Nothing is tried for this container before this time (pull delay, image pull or restart back-off).</summary>
    public DateTimeOffset NotBefore { get; set; }

    public bool Pulled { get; set; }

    public int PullFailures { get; set; }

    /// <summary>When the next image pull is tried after a failed one.</summary>
    public DateTimeOffset PullRetryAt { get; set; }

    /// <summary>Crashes counted towards the restart back-off since the last long run.</summary>
    public int Crashes { get; set; }

    /// <summary>True while a terminated container waits to be started again.</summary>
    public bool RestartPending { get; set; }

    /// <summary>The logs of the runs a status still names, by container id.</summary>
    public Dictionary<string, ContainerLogBuffer> Logs { get; } = [];

    public bool IsWaiting => Running is null && Terminated is null;

    public bool Ready => Running is { Started: true, Ready: true, ExitCode: null, KillReason: null };

    /// <summary>An init container that finished its work (exit 0), or a sidecar that has started.</summary>
    public bool InitDone => IsSidecar ? Running is { Started: true } || RestartCount > 0 || LastTerminated is not null : Terminated is { ExitCode: 0 };
}
