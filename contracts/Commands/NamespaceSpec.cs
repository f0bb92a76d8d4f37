namespace Mlops.Contracts;

/// <summary>A further namespace of the stack and the Secret there that holds the S3 credentials for its pods.</summary>
public sealed record NamespaceSpec
{
    public required string Name { get; init; }

    public required StackCredentials Credentials { get; init; }
}
