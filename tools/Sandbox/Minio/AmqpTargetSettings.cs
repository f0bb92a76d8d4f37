using System.Globalization;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// One AMQP notification target, configured with the settings MinIO reads: <c>MINIO_NOTIFY_AMQP_&lt;KEY&gt;_&lt;ID&gt;</c>
/// (or without <c>_&lt;ID&gt;</c> for the target MinIO names "_"). Its ARN is <c>arn:minio:sqs::&lt;ID&gt;:amqp</c>.
/// </summary>
public sealed record AmqpTargetSettings
{
    public const string Prefix = "MINIO_NOTIFY_AMQP_";

    // Longest first, so that EXCHANGE_TYPE is not read as EXCHANGE with ID "TYPE_…".
    private static readonly string[] s_keys =
    [
        "PUBLISHING_CONFIRMS", "EXCHANGE_TYPE", "DELIVERY_MODE", "AUTO_DELETED", "ROUTING_KEY", "QUEUE_LIMIT",
        "QUEUE_DIR", "MANDATORY", "IMMEDIATE", "EXCHANGE", "INTERNAL", "NO_WAIT", "DURABLE", "ENABLE", "URL",
    ];

    public required string Id { get; init; }

    public required Uri Url { get; init; }

    public string Exchange { get; init; } = "";

    public string ExchangeType { get; init; } = "";

    public string RoutingKey { get; init; } = "";

    /// <summary>0 leaves it unset (transient), 2 is persistent.</summary>
    public byte DeliveryMode { get; init; }

    public bool Mandatory { get; init; }

    public bool Durable { get; init; }

    public bool Internal { get; init; }

    public bool AutoDeleted { get; init; }

    public bool PublisherConfirms { get; init; }

    /// <summary>When set, events are stored here first and resent until the broker takes them; without it they are lost while it is away.</summary>
    public string? QueueDirectory { get; init; }

    public int QueueLimit { get; init; }

    public string Arn => $"arn:minio:sqs::{Id}:amqp";

    /// <summary>The enabled targets among <paramref name="settings"/> (keys as MinIO's environment variables).</summary>
    public static IReadOnlyList<AmqpTargetSettings> Read(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var byTarget = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (name, value) in settings)
        {
            if (value is null || !name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                continue;
            var rest = name[Prefix.Length..].ToUpperInvariant();
            var key = s_keys.FirstOrDefault(k => rest == k || rest.StartsWith(k + "_", StringComparison.Ordinal));
            if (key is null)
                continue;
            var id = rest.Length == key.Length ? "_" : name[(Prefix.Length + key.Length + 1)..];
            if (!byTarget.TryGetValue(id, out var values))
                byTarget[id] = values = new Dictionary<string, string>(StringComparer.Ordinal);
            values[key] = value;
        }
        return byTarget
            .Where(t => IsOn(t.Value.GetValueOrDefault("ENABLE")))
            .Select(t => From(t.Key, t.Value))
            .OrderBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
    }

    private static AmqpTargetSettings From(string id, Dictionary<string, string> values)
    {
        var url = values.GetValueOrDefault("URL");
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw new InvalidOperationException($"{Prefix}URL_{id} must be an amqp:// URL, got '{url}'.");
        var queueDirectory = values.GetValueOrDefault("QUEUE_DIR");
        if (!string.IsNullOrEmpty(queueDirectory) && !Path.IsPathRooted(queueDirectory))
            throw new InvalidOperationException("queueDir path should be absolute");
        return new AmqpTargetSettings
        {
            Id = id,
            Url = uri,
            Exchange = values.GetValueOrDefault("EXCHANGE") ?? "",
            ExchangeType = values.GetValueOrDefault("EXCHANGE_TYPE") ?? "",
            RoutingKey = values.GetValueOrDefault("ROUTING_KEY") ?? "",
            DeliveryMode = byte.Parse(values.GetValueOrDefault("DELIVERY_MODE") is { Length: > 0 } mode ? mode : "0", CultureInfo.InvariantCulture),
            Mandatory = IsOn(values.GetValueOrDefault("MANDATORY")),
            Durable = IsOn(values.GetValueOrDefault("DURABLE")),
            Internal = IsOn(values.GetValueOrDefault("INTERNAL")),
            AutoDeleted = IsOn(values.GetValueOrDefault("AUTO_DELETED")),
            PublisherConfirms = IsOn(values.GetValueOrDefault("PUBLISHING_CONFIRMS")),
            QueueDirectory = string.IsNullOrEmpty(queueDirectory) ? null : queueDirectory,
            QueueLimit = int.Parse(values.GetValueOrDefault("QUEUE_LIMIT") is { Length: > 0 } limit ? limit : "0", CultureInfo.InvariantCulture),
        };
    }

    // MinIO's booleans: on/off, true/false, enabled/disabled.
    private static bool IsOn(string? value) =>
        value?.ToLowerInvariant() is "on" or "true" or "enabled" or "enable" or "yes" or "1";
}
