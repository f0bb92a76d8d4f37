using System.Diagnostics;
using System.Text;

namespace Mlops.Testing;

/// <summary>
/// One run of a repository script (<c>bash run.sh …</c>, <c>bash bench.sh …</c>) from the repository root, as a user types
/// it: stdin closed, stdout and stderr kept in order as they come, killed with its whole process tree when it outlives the
/// timeout, so the specs then fail on its exit code with its output.
/// </summary>
/// <example><code>
/// var run = ScriptRun.Start(["bench.sh", "--n", "3"], environment);
/// await run.WaitForExitAsync(TimeSpan.FromMinutes(5));
/// Assert.Equal(0, run.ExitCode);
/// </code></example>
public sealed class ScriptRun : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Action<string>? _onLine;
    private readonly Process _process;

    private ScriptRun(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, Action<string>? onLine)
    {
        _onLine = onLine;
        var start = new ProcessStartInfo("bash", arguments)
        {
            WorkingDirectory = TestEnvironment.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The script's process id (bash's), to signal it.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The exit code once it exited; -1 before.</summary>
    public int ExitCode { get; private set; } = -1;

    /// <summary>stdout and stderr so far, one string.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts <c>bash <paramref name="arguments"/></c>; <paramref name="onLine"/> sees each line as it comes.</summary>
    public static ScriptRun Start(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        return new ScriptRun(arguments, environment, onLine);
    }

    /// <summary>
    /// Waits for the exit, at most <paramref name="timeout"/>; <paramref name="whileRunning"/> runs beside the wait (to
    /// signal the script, say) and is cancelled with it.
    /// </summary>
    public async Task WaitForExitAsync(TimeSpan timeout, Func<CancellationToken, Task>? whileRunning = null)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var meanwhile = whileRunning?.Invoke(cancel.Token) ?? Task.CompletedTask;
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await meanwhile;
        }
        catch (OperationCanceledException)
        {
            // Nothing of the run may outlive the test.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Append($"(killed after {timeout.TotalMinutes} min)");
        }
        _process.WaitForExit();
        ExitCode = _process.ExitCode;
    }

    public void Dispose() => _process.Dispose();

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        _onLine?.Invoke(line);
    }
}
