namespace Mlops.Contracts;

/// <summary>A namespace the stack may train or serve in, and the Secret there that holds the S3 credentials.</summary>
public sealed record StackNamespace
{
    public required string Name { get; init; }

    public required StackCredentials Credentials { get; init; }
}
