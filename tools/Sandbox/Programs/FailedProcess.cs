using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Programs;

/// <summary>A process that prints its failure and exits at once (a usage error, a missing executable).</summary>
public sealed class FailedProcess : IContainerProcess
{
    public FailedProcess(ContainerLaunch launch, ProgramExitException failure)
    {
        foreach (var line in failure.Lines())
            launch.Log.WriteLine(line);
        Exited = Task.FromResult(failure.ExitCode);
    }

    public Task<int> Exited { get; }

    public Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<ContainerResponse?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
