namespace Mlops.Contracts;

/// <summary>Where pods find the S3 credentials: a Secret and the names of its two keys. Never the values.</summary>
public sealed record StackCredentials
{
    public required string SecretName { get; init; }

    public string AccessKeyIdKey { get; init; } = "AWS_ACCESS_KEY_ID";

    public string SecretAccessKeyKey { get; init; } = "AWS_SECRET_ACCESS_KEY";
}
