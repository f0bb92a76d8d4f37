namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>A log that keeps nothing, for completions that have no pod.</summary>
public sealed class NullContainerLog : IContainerLog
{
    public static readonly NullContainerLog Instance = new();

    private NullContainerLog()
    {
    }

    public void WriteLine(string line)
    {
    }
}
