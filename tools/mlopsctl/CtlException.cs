namespace Mlops.Ctl;

/// <summary>A command's end with a message for people and an exit code (<see cref="CtlExit"/>).</summary>
public sealed class CtlException : Exception
{
    public CtlException(int exitCode, string message)
        : base(message) => ExitCode = exitCode;

    public CtlException()
        : this(CtlExit.Failed, "The operation failed.")
    {
    }

    public CtlException(string message)
        : this(CtlExit.Failed, message)
    {
    }

    public CtlException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = CtlExit.Failed;

    public int ExitCode { get; }
}
