using System.Net;
using System.Text.RegularExpressions;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// The naming rules of the systems a stack file names things in: Kubernetes, S3, RabbitMQ, MinIO. Each check answers
/// null when the name is fine, else why it is not, in words a person can act on.
/// </summary>
public static partial class NamingRules
{
    /// <summary>A DNS-1123 label: namespaces, stack names (at most 63 characters).</summary>
    public static string? DnsLabel(string name) =>
        name.Length is 0 or > 63 || !DnsLabelPattern().IsMatch(name)
            ? "must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
            : null;

    /// <summary>A DNS-1123 subdomain: most Kubernetes object names, e.g. Secrets (at most 253 characters).</summary>
    public static string? DnsSubdomain(string name) =>
        name.Length is 0 or > 253 || !name.Split('.').All(DnsLabelPattern().IsMatch)
            ? "must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit"
            : null;

    /// <summary>A key of a Secret's data.</summary>
    public static string? SecretKey(string key) =>
        key.Length is 0 or > 253 || !SecretKeyPattern().IsMatch(key) ? "must consist of letters, digits, '-', '_' or '.'" : null;

    /// <summary>S3's bucket naming rules, as MinIO applies them.</summary>
    public static string? BucketName(string name)
    {
        if (name.Length is < 3 or > 63)
            return "must be 3 to 63 characters long";
        if (!BucketPattern().IsMatch(name))
            return "may hold only lowercase letters, digits, '.' and '-', and must start and end with a letter or digit";
        if (name.Contains("..", StringComparison.Ordinal) || name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal))
            return "must not have '..', '.-' or '-.' in it";
        if (IPAddress.TryParse(name, out _))
            return "must not look like an IP address";
        if (name.StartsWith("xn--", StringComparison.Ordinal) || name.EndsWith("-s3alias", StringComparison.Ordinal))
            return "must not start with 'xn--' or end with '-s3alias'";
        return null;
    }

    /// <summary>A RabbitMQ exchange name as MinIO declares it.</summary>
    public static string? ExchangeName(string name) =>
        name.Length is 0 or > 255 || !ExchangePattern().IsMatch(name) || name.StartsWith("amq.", StringComparison.Ordinal)
            ? "must be 1 to 255 letters, digits, '-', '_', '.' or ':', and not start with 'amq.' (reserved by RabbitMQ)"
            : null;

    /// <summary>A MinIO notification target id, the <c>&lt;ID&gt;</c> of <c>MINIO_NOTIFY_AMQP_ENABLE_&lt;ID&gt;</c>.</summary>
    public static string? TargetId(string id) =>
        id.Length is 0 or > 64 || !TargetIdPattern().IsMatch(id)
            ? "must be letters, digits and '_' (it becomes part of MinIO's MINIO_NOTIFY_AMQP_*_<ID> settings)"
            : null;

    /// <summary>An http(s) URL of a server, without credentials in it.</summary>
    public static string? ServerUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "must be an absolute http:// or https:// URL";
        if (uri.UserInfo.Length > 0)
            return "must not carry credentials; they come from Secrets and the services' settings";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return "must not have a query or fragment";
        return null;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKeyPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex BucketPattern();

    [GeneratedRegex("^[a-zA-Z0-9_.:-]+$")]
    private static partial Regex ExchangePattern();

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex TargetIdPattern();
}
