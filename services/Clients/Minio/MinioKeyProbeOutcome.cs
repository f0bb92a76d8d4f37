namespace Mlops.Clients.Minio;

/// <summary>What a signed request with given keys got.</summary>
public enum MinioKeyProbeOutcome
{
    /// <summary>The keys are valid and may list the bucket (or the bucket is missing, which only valid keys learn).</summary>
    Accepted,

    /// <summary>The access key exists but the secret is wrong (403 <c>SignatureDoesNotMatch</c>).</summary>
    SignatureDoesNotMatch,

    /// <summary>The server knows no such access key (403 <c>InvalidAccessKeyId</c>).</summary>
    InvalidAccessKeyId,

    /// <summary>Valid keys whose policy does not allow listing the bucket (403 <c>AccessDenied</c>).</summary>
    AccessDenied,

    /// <summary>No answer: connection refused, timeout, open breaker, or a server error.</summary>
    Unreachable,
}
