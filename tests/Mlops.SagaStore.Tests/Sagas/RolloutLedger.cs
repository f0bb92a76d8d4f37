using System.Collections.Concurrent;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>What <see cref="RolloutAdvancedConsumer"/> saw, envelope included, for tests to compare with what was published.</summary>
public sealed class RolloutLedger
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public IReadOnlyList<Entry> For(Guid rollout) => Entries.Where(e => e.Message.CorrelationId == rollout).ToArray();

    /// <summary>One consumed message and its envelope.</summary>
    public sealed record Entry(RolloutAdvanced Message, Guid? MessageId, Guid? ConversationId, Guid? InitiatorId, Guid? CorrelationId,
        string? Header, Uri? DestinationAddress);
}
