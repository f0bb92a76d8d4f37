using Mlops.Clients.Resilience;

namespace Mlops.Clients.Minio;

/// <summary>The <c>Minio</c> section: the S3 endpoint and the keys this service signs with (its own, often read-only).</summary>
public sealed class MinioClientOptions
{
    public const string Section = "Minio";

    /// <summary>The S3 API endpoint, e.g. <c>http://minio.minio.svc.cluster.local:9000</c>; https means TLS.</summary>
    public Uri? Endpoint { get; set; }

    public string? AccessKey { get; set; }

    /// <summary>Never logged, never part of an exception or a probe's reason.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The region requests are signed for; MinIO's default is <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Bound on one attempt of one call (object reads included).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retry, breaker and overall timeout (<c>Minio:Resilience:*</c>).</summary>
    public ResilienceSettings Resilience { get; set; } = new();

    /// <summary>TLS follows the endpoint's scheme.</summary>
    public bool UseSsl => Endpoint?.Scheme == Uri.UriSchemeHttps;
}
