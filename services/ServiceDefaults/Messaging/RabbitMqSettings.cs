using System.Net;
using Microsoft.Extensions.Configuration;

namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// Where the broker is: from <c>RABBITMQ_URL</c> (<c>amqp://user:pass@host:port/vhost</c>) when set,
/// else from the <c>RabbitMq</c> configuration section. Validated when read, so a typo stops the
/// service at start with a message naming the setting, never with a transport stack trace.
/// </summary>
public sealed record RabbitMqSettings
{
    public const string SectionName = "RabbitMq";
    public const string UrlVariable = "RABBITMQ_URL";

    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 5672;

    public string VirtualHost { get; init; } = "/";

    /// <summary>Null means the broker's default user (guest, which RabbitMQ allows on loopback only).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    public bool UseTls { get; init; }

    /// <summary>
    /// Declare the services' queues as quorum queues (<c>RabbitMq:QuorumQueues</c>, also beside <c>RABBITMQ_URL</c>), for a
    /// broker that runs as a cluster: a queue then survives the loss of the node that held it. Off by default, since an
    /// existing classic queue cannot change its type (delete it, or use a new vhost, when turning this on).
    /// </summary>
    public bool QuorumQueues { get; init; }

    /// <summary>Where the broker is, for logs: never the password.</summary>
    public string Describe() =>
        $"{(UseTls ? "amqps" : "amqp")}://{(Username is null ? "" : Username + "@")}{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";

    /// <summary>Records print every member; this one must not print the password.</summary>
    public override string ToString() => Describe();

    /// <summary>RabbitMQ's default account, which the client also sends when no user is given.</summary>
    public const string GuestUser = "guest";

    /// <summary>True when the service would log in as <see cref="GuestUser"/>: that user given, or none.</summary>
    public bool UsesGuestAccount => Username is null or GuestUser;

    /// <summary>True for <c>localhost</c> and loopback addresses (127.0.0.0/8, ::1), the only places RabbitMQ lets guest in from.</summary>
    public bool IsLoopbackHost
    {
        get
        {
            var host = Host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.');
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                return true;
            return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }
    }

    /// <summary>
    /// Reads the settings as <see cref="Read"/> does and refuses the guest account on a broker that is not on loopback:
    /// RabbitMQ refuses guest from anywhere else (<c>loopback_users</c>), so the service would retry a login that cannot
    /// succeed, and a broker that allowed it would be open to anyone with the default password. Thrown before any
    /// connection is attempted, naming the setting.
    /// </summary>
    public static RabbitMqSettings ReadForService(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = Read(configuration);
        if (settings.UsesGuestAccount && !settings.IsLoopbackHost)
        {
            var setting = string.IsNullOrWhiteSpace(configuration[UrlVariable])
                ? $"{SectionName}:Username (with {SectionName}:Host '{settings.Host}')"
                : $"{UrlVariable} (amqp://user:pass@host:port/vhost, host '{settings.Host}')";
            throw new InvalidOperationException(
                $"{setting} would use RabbitMQ's default guest account on a broker that is not on loopback: guest only works on loopback "
                + "(localhost, 127.0.0.1, ::1). Give the service a user of its own on the broker.");
        }
        return settings;
    }

    public static RabbitMqSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var quorum = ReadBool(section, "QuorumQueues");
        var url = configuration[UrlVariable];
        if (!string.IsNullOrWhiteSpace(url))
            return FromUrl(url) with { QuorumQueues = quorum };

        var settings = new RabbitMqSettings
        {
            Host = section["Host"] is { Length: > 0 } host ? host : "localhost",
            VirtualHost = section["VirtualHost"] is { Length: > 0 } vhost ? vhost : "/",
            Username = section["Username"] is { Length: > 0 } user ? user : null,
            Password = section["Password"] is { Length: > 0 } password ? password : null,
            UseTls = ReadBool(section, "UseTls"),
            QuorumQueues = quorum,
        };
        var port = section["Port"];
        if (string.IsNullOrWhiteSpace(port))
            return settings with { Port = settings.UseTls ? 5671 : 5672 };
        if (!int.TryParse(port, out var parsed) || parsed is < 1 or > 65535)
            throw new InvalidOperationException($"{SectionName}:Port must be a TCP port (1-65535), not '{port}'.");
        return settings with { Port = parsed };
    }

    private static bool ReadBool(IConfigurationSection section, string key) => section[key] switch
    {
        null or "" => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new InvalidOperationException($"{SectionName}:{key} must be true or false, not '{text}'."),
    };

    /// <summary>Parses an AMQP URI as RabbitMQ defines it; the vhost is the URL-decoded path, "/" when empty.</summary>
    public static RabbitMqSettings FromUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
            throw new InvalidOperationException($"{UrlVariable} must look like amqp://user:pass@host:port/vhost; the value given is not an amqp:// or amqps:// URL.");
        if (string.IsNullOrEmpty(uri.Host))
            throw new InvalidOperationException($"{UrlVariable} has no host.");

        var tls = uri.Scheme == "amqps";
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var path = uri.AbsolutePath.TrimStart('/');
        return new RabbitMqSettings
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port,
            VirtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path),
            Username = string.IsNullOrEmpty(user) ? null : user,
            Password = password,
            UseTls = tls,
        };
    }
}
