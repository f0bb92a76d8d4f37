using System.Text.Json.Serialization;
using MassTransit;
using MassTransit.Context;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// One message in the outbox with everything MassTransit's <see cref="OutboxMessageSendPipe"/> needs to send it again as it
/// was published: ids, addresses, message types, content type, serialized body, headers and transport properties.
/// </summary>
internal sealed class OutboxRecord : OutboxMessageContext
{
    private Headers? _headers;
    private IReadOnlyDictionary<string, object>? _properties;

    public required Guid MessageId { get; init; }
    public Guid? ConversationId { get; init; }
    public Guid? CorrelationId { get; init; }
    public Guid? InitiatorId { get; init; }
    public Guid? RequestId { get; init; }
    public Uri? SourceAddress { get; init; }
    public Uri? DestinationAddress { get; init; }
    public Uri? ResponseAddress { get; init; }
    public Uri? FaultAddress { get; init; }
    public DateTime? SentTime { get; init; }
    public DateTime? ExpirationTime { get; init; }
    public required string ContentType { get; init; }

    /// <summary>Every message type URN the message was published as, separated by ';' (MassTransit's own outbox format).</summary>
    public required string MessageType { get; init; }

    public required string Body { get; init; }

    /// <summary>The send headers as MassTransit's serializer writes a dictionary.</summary>
    public string? HeaderJson { get; init; }

    /// <summary>Transport properties (e.g. RabbitMQ's routing key), in the same form.</summary>
    public string? PropertyJson { get; init; }

    /// <summary>Position in its transaction, from 1; messages go out in this order.</summary>
    [JsonIgnore]
    public long SequenceNumber { get; set; }

    Guid? MessageContext.MessageId => MessageId;

    DateTime? MessageContext.SentTime => SentTime;

    Headers MessageContext.Headers => _headers ??= ReadHeaders();

    HostInfo MessageContext.Host => HostMetadataCache.Host;

    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties ??= ReadProperties();

    /// <summary>Captures a message the way MassTransit's outbox does, when a send or publish is handed to the outbox.</summary>
    public static OutboxRecord Capture<T>(SendContext<T> context)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "An outbox message needs a MessageId.");
        // A delay needs a scheduler, which the supported broker lacks; deadlines are the way to wait.
        if (context.Delay is { } delay && delay > TimeSpan.Zero)
            throw new NotSupportedException($"{typeof(T).Name} was sent with a delay; the saga store has no scheduler: set a deadline instead.");

        var now = DateTime.UtcNow;
        string? properties = null;
        if (context is TransportSendContext<T> transport)
        {
            var values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(values);
            if (values.Count > 0)
                properties = Serializer.SerializeDictionary(values);
        }
        return new OutboxRecord
        {
            MessageId = messageId,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = context.DestinationAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? now,
            ExpirationTime = context.TimeToLive is { } ttl ? now + ttl : null,
            ContentType = context.ContentType?.ToString() ?? context.Serialization.DefaultContentType.ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            HeaderJson = Serializer.SerializeDictionary(context.Headers.GetAll()),
            PropertyJson = properties,
        };
    }

    private static SystemTextJsonMessageSerializer Serializer => SystemTextJsonMessageSerializer.Instance;

    private Headers ReadHeaders() =>
        Serializer.DeserializeDictionary<object?>(HeaderJson) is { } headers ? new DictionarySendHeaders(headers!) : EmptyHeaders.Instance;

    private Dictionary<string, object> ReadProperties() =>
        Serializer.DeserializeDictionary<object>(PropertyJson) is { } properties
            ? properties
            : new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
}
