namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// Implemented by a container process that answers commands run in it (an <c>exec</c> probe); a process without it
/// passes every exec probe.
/// </summary>
public interface IContainerExec
{
    /// <summary>Runs <paramref name="command"/> in the container; the exit code decides the probe (0 passes).</summary>
    Task<int> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken);
}
