namespace Mlops.Provisioner.Stacks;

/// <summary>One thing wrong with a stack file: the field's path (<c>buckets[0].notifications[0].suffix</c>), where it is, and why.</summary>
public sealed record StackFileError(string Path, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Path} (line {Line}): {Message}" : $"{Path}: {Message}";
}
