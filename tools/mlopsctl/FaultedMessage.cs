using System.Text.Json;

namespace Mlops.Ctl;

/// <summary>
/// A message in an error queue as MassTransit left it: the message type from its envelope, and why it faulted from the
/// <c>MT-Fault-*</c> headers, where, and when.
/// </summary>
internal sealed record FaultedMessage
{
    public string? MessageId { get; init; }

    public string? MessageType { get; init; }

    public string? ExceptionType { get; init; }

    public string? FaultMessage { get; init; }

    public string? FaultedAt { get; init; }

    /// <summary>The machine and process that faulted it (<c>MT-Host-MachineName</c>, <c>MT-Host-ProcessName</c>).</summary>
    public string? Host { get; init; }

    /// <param name="message">One item of the management API's <c>/get</c> answer.</param>
    public static FaultedMessage From(JsonElement message)
    {
        var properties = message.GetProperty("properties");
        var headers = properties.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        string? Header(string name) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var v) ? v.ToString() : null;
        var host = string.Join('/', new[] { Header("MT-Host-MachineName"), Header("MT-Host-ProcessName") }.Where(p => p is not null));
        return new FaultedMessage
        {
            MessageId = properties.TryGetProperty("message_id", out var id) ? id.GetString() : null,
            MessageType = TypeOf(message, properties),
            ExceptionType = Header("MT-Fault-ExceptionType"),
            FaultMessage = FaultText.Mask(Header("MT-Fault-Message")),
            FaultedAt = Header("MT-Fault-Timestamp"),
            Host = host.Length == 0 ? null : host,
        };
    }

    // The envelope's first messageType (urn:message:Namespace:Type), else the AMQP type property.
    private static string? TypeOf(JsonElement message, JsonElement properties)
    {
        if (message.TryGetProperty("payload_encoding", out var encoding) && encoding.GetString() == "string"
            && message.TryGetProperty("payload", out var payload))
        {
            try
            {
                using var envelope = JsonDocument.Parse(payload.GetString() ?? "");
                if (envelope.RootElement.ValueKind == JsonValueKind.Object && envelope.RootElement.TryGetProperty("messageType", out var types)
                    && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0)
                {
                    var urn = types[0].GetString() ?? "";
                    return urn.StartsWith("urn:message:", StringComparison.Ordinal) ? urn["urn:message:".Length..] : urn;
                }
            }
            catch (JsonException)
            {
                // Not a MassTransit JSON envelope (or truncated); the AMQP type property may still say.
            }
        }
        return properties.TryGetProperty("type", out var type) ? type.GetString() : null;
    }
}
