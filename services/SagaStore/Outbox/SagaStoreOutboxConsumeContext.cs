using System.Diagnostics.CodeAnalysis;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Mlops.SagaStore.Repository;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// The consume context MassTransit's <see cref="OutboxMessagePipe{TMessage}"/> drives for one message on the saga store:
/// publishes and sends are captured into the <see cref="MessageTransaction"/>; <see cref="SetConsumed"/> commits it (inbox,
/// saga rows, history, outbox row) in one transaction; the pipe then delivers the captured messages and
/// <see cref="SetDelivered"/> marks the outbox row done. Nothing is read back from the database on the way.
/// </summary>
internal sealed class SagaStoreOutboxConsumeContext<TMessage> : OutboxConsumeContextProxy<TMessage>
    where TMessage : class
{
    private readonly MessageTransaction _transaction;
    private readonly SagaStoreOutboxContextFactory _factory;
    private bool _consumed;
    private bool _delivered;
    private long? _lastSequenceNumber;

    public SagaStoreOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        MessageTransaction transaction, SagaStoreOutboxContextFactory factory)
        : base(context, options, provider)
    {
        _transaction = transaction;
        _factory = factory;
    }

    public override Guid? MessageId => _transaction.Inbox.MessageId;

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => _consumed || _transaction.IsDuplicate;

    public override bool IsOutboxDelivered => _delivered;

    public override int ReceiveCount => this.GetRetryAttempt() + 1;

    public override long? LastSequenceNumber => _lastSequenceNumber;

    public override async Task SetConsumed()
    {
        if (!_transaction.IsDuplicate)
            await _factory.CommitAsync(_transaction, EventName<TMessage>.Value, CancellationToken);
        _consumed = true;
    }

    public override Task SetDelivered()
    {
        _delivered = true;
        if (_transaction.Batch is { } batch)
            _factory.Delivered(batch, complete: true);
        return Task.CompletedTask;
    }

    public override Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        var last = _lastSequenceNumber ?? 0;
        var messages = _transaction.Batch?.Messages ?? [];
        return Task.FromResult(messages.Where(m => m.SequenceNumber > last).Take(Options.MessageDeliveryLimit + 1)
            .Cast<OutboxMessageContext>().ToList());
    }

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _lastSequenceNumber = message.SequenceNumber;
        if (_transaction.Batch is { } batch)
        {
            batch.Delivered = (int)message.SequenceNumber;
            if (message.SequenceNumber == 1)
                _factory.Crash.At(SagaStoreCrashPoint.DuringDelivery);
        }
        return Task.CompletedTask;
    }

    // Delivered rows stay marked delivered for OutboxKeepDeliveredFor and are cleaned by the purger.
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    public override Task AddSend<T>(SendContext<T> context)
    {
        _transaction.Messages.Add(OutboxRecord.Capture(context));
        return Task.CompletedTask;
    }

    /// <summary>Delivery failed part way: what is left goes to the dispatcher once the row's lease passes.</summary>
    public void HandOver()
    {
        _delivered = true;
        if (_transaction.Batch is { Delivered: > 0 } batch)
            _factory.Delivered(batch, complete: false);
    }

    public override bool TryGetPayload<T>([NotNullWhen(true)] out T payload)
        where T : class
    {
        // Kept on this context, not added to the shared payload cache, so a retried attempt never sees an old transaction.
        if (_transaction is T transaction)
        {
            payload = transaction;
            return true;
        }
        return base.TryGetPayload(out payload);
    }

    public override bool HasPayloadType(Type payloadType) =>
        payloadType == typeof(MessageTransaction) || base.HasPayloadType(payloadType);
}
