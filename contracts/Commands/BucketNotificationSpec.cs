namespace Mlops.Contracts;

/// <summary>One notification rule of a bucket: these events, for keys with this prefix and suffix, go to the stack's MinIO target.</summary>
public sealed record BucketNotificationSpec
{
    /// <summary>MinIO event names, e.g. <c>s3:ObjectCreated:*</c>.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    public string? Prefix { get; init; }

    public string? Suffix { get; init; }
}
