using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// The life of a container program: its main work runs in the background; a <see cref="ProgramExitException"/> prints its
/// lines to the log and ends the process with its exit code; disposing kills it. Subclasses answer HTTP.
/// </summary>
public abstract class ProgramProcess : IContainerProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _killed = new();
    private Task? _main;

    protected ProgramProcess(ContainerLaunch launch)
    {
        Launch = launch;
    }

    protected ContainerLaunch Launch { get; }

    public Task<int> Exited => _exited.Task;

    /// <summary>True once the process has ended or been killed: nothing answers any more.</summary>
    protected bool Gone => _exited.Task.IsCompleted || _killed.IsCancellationRequested;

    /// <summary>Runs <see cref="RunAsync"/>; call once from the program's Start.</summary>
    public void Begin() => _main = Task.Run(MainAsync);

    /// <summary>The process's work; returning keeps it running (a server), a failure ends it.</summary>
    protected abstract Task RunAsync(CancellationToken cancellationToken);

    public abstract Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken);

    /// <summary>Ends the process with <paramref name="exitCode"/> after printing <paramref name="failure"/>.</summary>
    protected void Exit(ProgramExitException failure)
    {
        foreach (var line in failure.Lines())
            Launch.Log.WriteLine(line);
        _exited.TrySetResult(failure.ExitCode);
    }

    private async Task MainAsync()
    {
        try
        {
            await RunAsync(_killed.Token);
        }
        catch (ProgramExitException failure)
        {
            Exit(failure);
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
            // Killed while starting: the kubelet has what it needs.
        }
        catch (Exception unexpected)
        {
            Exit(new ProgramExitException($"{unexpected.GetType().Name}: {unexpected.Message}"));
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _killed.CancelAsync();
        if (_main is not null)
            await _main;
        _killed.Dispose();
        GC.SuppressFinalize(this);
    }
}
