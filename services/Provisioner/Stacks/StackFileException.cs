namespace Mlops.Provisioner.Stacks;

/// <summary>A stack file that cannot be used, with every error found in it (not only the first).</summary>
public sealed class StackFileException : Exception
{
    public StackFileException(string source, IReadOnlyList<StackFileError> errors)
        : base($"{source} is not a valid stack file:" + string.Concat(errors.Select(e => "\n - " + e)))
    {
        Errors = errors;
    }

    public StackFileException()
        : this("stack file", [])
    {
    }

    public StackFileException(string message)
        : base(message)
    {
        Errors = [];
    }

    public StackFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<StackFileError> Errors { get; }
}
