namespace Mlops.Sandbox.Programs;

/// <summary>
/// Why a program running in a container stops: the lines it prints (a Python traceback, a CLI usage error) and its
/// exit code. The last line is the message, the way the real process ends its output.
/// </summary>
public sealed class ProgramExitException : Exception
{
    /// <param name="preamble">Lines printed before the last one (a traceback's frames, a usage text).</param>
    public ProgramExitException(string lastLine, int exitCode = 1, IReadOnlyList<string>? preamble = null)
        : base(lastLine)
    {
        ExitCode = exitCode;
        Preamble = preamble ?? [];
    }

    public ProgramExitException()
        : this("error")
    {
    }

    public ProgramExitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Preamble = [];
        ExitCode = 1;
    }

    public int ExitCode { get; }

    /// <summary>What is printed before the message: a traceback's frames, a usage text.</summary>
    public IReadOnlyList<string> Preamble { get; }

    /// <summary>The lines the process prints for this failure, the message last.</summary>
    public IEnumerable<string> Lines() => [.. Preamble, Message];

    /// <summary>A Python exception raised at <paramref name="site"/> (module path and function), printed as a short traceback.</summary>
    public static ProgramExitException Python(string exception, string site, string function)
    {
        var frames = new[]
        {
            "Traceback (most recent call last):",
            "  File \"/usr/local/bin/mlflow\", line 8, in <module>",
            "    sys.exit(cli())",
            $"  File \"/usr/local/lib/python3.10/site-packages/{site}\", line 1, in {function}",
        };
        return new ProgramExitException(exception, 1, frames);
    }
}
