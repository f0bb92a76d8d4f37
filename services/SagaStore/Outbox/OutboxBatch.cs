using System.Text.Json;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// The messages one transaction published or sent, in publish order. Stored as one outbox row, so a dispatcher claims a
/// whole transaction and delivers its messages in order, and a transaction costs one insert however many it sends.
/// </summary>
internal sealed class OutboxBatch
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public OutboxBatch(string origin, IReadOnlyList<OutboxRecord> messages)
    {
        Origin = origin;
        Messages = messages;
        for (var i = 0; i < messages.Count; i++)
            messages[i].SequenceNumber = i + 1;
    }

    /// <summary>The outbox row, once stored.</summary>
    public long Id { get; set; }

    /// <summary>Who wrote it: the consumer or saga type, the deadline sweeper, or the outbox API.</summary>
    public string Origin { get; }

    public IReadOnlyList<OutboxRecord> Messages { get; }

    /// <summary>How many of <see cref="Messages"/> the broker has confirmed, from the start.</summary>
    public int Delivered { get; set; }

    public string Serialize() => JsonSerializer.Serialize(Messages, Json);

    public static OutboxBatch Parse(long id, string origin, int delivered, string messages)
    {
        var records = JsonSerializer.Deserialize<List<OutboxRecord>>(messages, Json)
            ?? throw new InvalidOperationException($"Outbox row {id} holds no messages.");
        return new OutboxBatch(origin, records) { Id = id, Delivered = delivered };
    }
}
