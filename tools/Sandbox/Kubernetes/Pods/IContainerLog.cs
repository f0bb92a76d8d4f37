namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>A container's output, kept for <c>GET …/pods/{name}/log</c>.</summary>
public interface IContainerLog
{
    void WriteLine(string line);
}
