using MassTransit.Middleware;

namespace Mlops.SagaStore.Outbox;

/// <summary>MassTransit's outbox options for one consumer or saga, plus whether the saga's own read checks the inbox.</summary>
internal sealed class SagaStoreOutboxOptions : OutboxConsumeOptions
{
    /// <summary>
    /// True for sagas on the durable repository: their load answers the inbox check in the same read. Other consumers
    /// check the inbox before they run, so a redelivered message does not run them again.
    /// </summary>
    public bool SagaReadsInbox { get; init; }
}
