using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// MassTransit's outbox context factory on the saga store. Unlike the EF Core one, which spends a transaction (and a locked
/// inbox row held while the consumer runs) on each step, it reads nothing up front for sagas (their load answers the inbox
/// check), runs the consumer with its messages captured, and commits inbox, saga rows and outbox in one short transaction:
/// no database lock is held while a saga activity makes outside calls.
/// </summary>
internal sealed class SagaStoreOutboxContextFactory : IOutboxContextFactory<DurableSagaStore>
{
    private readonly DurableSagaStore _store;
    private readonly OutboxDispatcher _dispatcher;
    private readonly SagaStoreMetrics _metrics;
    private readonly IServiceProvider _provider;
    private readonly ILogger<SagaStoreOutboxContextFactory> _logger;

    public SagaStoreOutboxContextFactory(DurableSagaStore store, OutboxDispatcher dispatcher, SagaStoreMetrics metrics, CrashHook crash,
        IServiceProvider provider, ILogger<SagaStoreOutboxContextFactory> logger)
    {
        _store = store;
        _dispatcher = dispatcher;
        _metrics = metrics;
        Crash = crash;
        _provider = provider;
        _logger = logger;
    }

    public CrashHook Crash { get; }

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        // Messages without an id (MinIO's raw events) are known by their body, so a redelivered copy is still recognised.
        var messageId = context.GetOriginalMessageId() ?? MessageIdentity.FromBody(context.ReceiveContext.Body.GetBytes());
        var transaction = new MessageTransaction(new InboxKey(options.ConsumerId, messageId), options.ConsumerType);

        await _store.EnsureReadyAsync(context.CancellationToken);
        if (options is not SagaStoreOutboxOptions { SagaReadsInbox: true }
            && await _store.Database.InboxContainsAsync(transaction.Inbox, context.CancellationToken))
        {
            transaction.MarkDuplicate();
            _metrics.Ignored(options.ConsumerType, Repository.EventName<T>.Value, SagaStoreMetrics.Duplicate);
        }

        var outboxContext = new SagaStoreOutboxConsumeContext<T>(context, options, _provider, transaction, this);
        // MassTransit's pipe takes three passes: consume and commit, deliver, finish.
        while (outboxContext.ContinueProcessing)
        {
            var delivering = outboxContext.IsMessageConsumed && !outboxContext.IsOutboxDelivered;
            try
            {
                await next.Send(outboxContext);
            }
            catch (Exception ex) when (delivering && !context.CancellationToken.IsCancellationRequested)
            {
                // Committed already: retrying the message would only find it in the inbox. The dispatcher sends the rest.
                _logger.LogWarning(ex, "Delivering the messages of {Consumer} for message {MessageId} failed after the commit; the outbox dispatcher delivers them",
                    options.ConsumerType, messageId);
                outboxContext.HandOver();
            }
        }
    }

    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = context.CreateFilterScope("outboxContextFactory");
        scope.Add("provider", "saga-store");
    }

    /// <summary>The one write of a message; a lost race surfaces as MassTransit's <see cref="ConcurrencyException"/>, retried at once.</summary>
    internal async Task CommitAsync(MessageTransaction transaction, string eventName, CancellationToken cancellationToken)
    {
        var result = await _store.Database.CommitAsync(transaction.ToCommit(_store.Time.GetUtcNow()), cancellationToken);
        switch (result.Status)
        {
            case CommitStatus.Duplicate:
                // Another delivery of the same message committed first (a redelivery racing the original).
                transaction.MarkDuplicate();
                _metrics.Ignored(transaction.Origin, eventName, SagaStoreMetrics.Duplicate);
                return;
            case CommitStatus.Conflict:
                var conflict = result.Conflict!;
                throw new ConcurrencyException(
                    conflict.IsInsert
                        ? $"{conflict.Map.Name} {conflict.Write.CorrelationId} was created concurrently"
                        : $"{conflict.Map.Name} {conflict.Write.CorrelationId} was changed since version {conflict.ExpectedVersion} was read",
                    conflict.Map.SagaType, conflict.Write.CorrelationId);
        }
        _metrics.Transitioned(transaction.Sagas);
        foreach (var action in transaction.AfterCommit)
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                // Committed already: a failing side note must not fail (and so retry) the message.
                _logger.LogWarning(ex, "An after-commit action of {Consumer} for {Event} failed", transaction.Origin, eventName);
            }
        }
        if (transaction.Batch is not null)
            Crash.At(SagaStoreCrashPoint.AfterCommit);
    }

    internal void Delivered(OutboxBatch batch, bool complete) =>
        _dispatcher.Report(new OutboxProgress(batch.Id, complete ? batch.Messages.Count : batch.Delivered, complete));
}
