namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>What one kubectl run printed and how it exited.</summary>
public sealed record KubectlResult(int ExitCode, string Output, string Error)
{
    public KubectlResult Succeeded()
    {
        if (ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"kubectl exited {ExitCode}: {Error}{Output}");
        return this;
    }

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
