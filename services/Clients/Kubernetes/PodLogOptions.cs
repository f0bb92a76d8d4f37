namespace Mlops.Clients.Kubernetes;

/// <summary>Which part of a pod's log to read (<c>GET …/pods/{name}/log</c>).</summary>
public sealed record PodLogOptions
{
    /// <summary>The container; required by the server when the pod has more than one.</summary>
    public string? Container { get; init; }

    /// <summary>Only the last lines.</summary>
    public int? TailLines { get; init; }

    /// <summary>The log of the previous, terminated instance of the container (why a crash-looping pod exits).</summary>
    public bool Previous { get; init; }

    /// <summary>At most this many bytes; a log is evidence to show, not data to move.</summary>
    public int LimitBytes { get; init; } = 256 * 1024;
}
