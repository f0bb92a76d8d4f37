using System.Text;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>
/// A process for tests: writes its lines, answers requests with <paramref name="answer"/> (null: not listening), and
/// exits with <paramref name="exitCode"/> after <paramref name="exitAfter"/> (never when null).
/// </summary>
public sealed class ScriptedProcess : IContainerProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _killed = new();
    private readonly Func<ContainerRequest, ContainerResponse?> _answer;

    public ScriptedProcess(ContainerLaunch launch, IEnumerable<string> lines, Func<ContainerRequest, ContainerResponse?>? answer = null, TimeSpan? exitAfter = null, int exitCode = 0)
    {
        _answer = answer ?? (_ => null);
        foreach (var line in lines)
            launch.Log.WriteLine(line);
        if (exitAfter is { } after)
        {
            _ = Task.Delay(after, _killed.Token).ContinueWith(
                _ => _exited.TrySetResult(exitCode), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    public Task<int> Exited => _exited.Task;

    public bool Killed => _killed.IsCancellationRequested;

    public Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken) => Task.FromResult(_answer(request));

    public static ContainerResponse Text(int status, string body) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(body));

    public ValueTask DisposeAsync()
    {
        _killed.Cancel();
        return ValueTask.CompletedTask;
    }
}
