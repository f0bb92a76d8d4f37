using MassTransit;
using Mlops.SagaStore;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// Publishes an ops command through the saga store's outbox, stamped with who asked, and returns only after the commit. A
/// record key makes a repeat of the same request a no-op (<see cref="OutboxCommitResult.AlreadyRecorded"/>).
/// </summary>
public sealed class OpsCommandOutbox(ISagaStoreOutbox outbox)
{
    /// <summary>Record kind of the ops API's own keys (replays of one failure, repeated requests).</summary>
    public const string RecordKind = "ops-request";

    /// <summary>Commits <paramref name="command"/> with <paramref name="requestedBy"/> in its header; returns how it ended and its MessageId.</summary>
    public async Task<(OutboxCommitResult Result, Guid MessageId)> PublishAsync<T>(T command, string requestedBy, string? recordKey,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        var messageId = NewId.NextGuid();
        var result = await outbox.CommitAsync(async tx =>
        {
            if (recordKey is not null)
                tx.Record(RecordKind, recordKey, $"{requestedBy} {messageId}");
            await tx.Publisher.Publish(command, context =>
            {
                context.MessageId = messageId;
                context.Headers.Set(SagaHistoryEntry.RequestedByHeader, requestedBy);
            }, cancellationToken);
        }, cancellationToken);
        return (result, messageId);
    }
}
