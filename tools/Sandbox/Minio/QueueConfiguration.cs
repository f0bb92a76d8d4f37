namespace Mlops.Sandbox.Minio;

/// <summary>One <c>QueueConfiguration</c> of a bucket: the target ARN, the events it wants and its key filter.</summary>
public sealed record QueueConfiguration(string Id, string Arn, IReadOnlyList<string> Events, string? Prefix, string? Suffix)
{
    /// <summary>True when an object event of <paramref name="eventName"/> on <paramref name="objectKey"/> (unescaped) is wanted.</summary>
    public bool Matches(string eventName, string objectKey) =>
        Events.Any(e => MinioEventName.Covers(e, eventName))
        && (Prefix is null || objectKey.StartsWith(Prefix, StringComparison.Ordinal))
        && (Suffix is null || objectKey.EndsWith(Suffix, StringComparison.Ordinal));
}
