using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Outbox;

/// <summary>The outbox API over the saga store's database.</summary>
internal sealed class SagaStoreOutbox(DurableSagaStore store, OutboxDispatcher dispatcher, IServiceProvider services) : ISagaStoreOutbox
{
    public const int MaxKindLength = 100;
    public const int MaxKeyLength = 400;
    public const int MaxValueLength = 8_000;

    public async Task<OutboxCommitResult> CommitAsync(Func<IOutboxTransaction, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var bus = services.GetService<IBus>()
            ?? throw new InvalidOperationException("The outbox API needs MassTransit's bus: register it with AddMassTransit.");
        await store.EnsureReadyAsync(cancellationToken);

        var transaction = new Transaction(new OutboxCapture(bus, services));
        await work(transaction);

        var batch = transaction.Capture.Messages.Count > 0 ? new OutboxBatch("outbox-api", transaction.Capture.Messages.ToArray()) : null;
        var commit = new StoreCommit { At = store.Time.GetUtcNow(), Records = transaction.Records, Outbox = batch };
        var result = await store.Database.CommitAsync(commit, cancellationToken);
        if (result.Status == CommitStatus.Duplicate)
            return OutboxCommitResult.AlreadyRecorded;
        if (batch is not null)
            dispatcher.Deliver(batch);
        return OutboxCommitResult.Committed;
    }

    public async Task<bool> HasRecordAsync(string kind, string key, CancellationToken cancellationToken = default)
    {
        Validate(kind, key, null);
        await store.EnsureReadyAsync(cancellationToken);
        return await store.Database.HasRecordAsync(kind, key, cancellationToken);
    }

    // Keys often come from outside (a webhook's delivery id header): bounded and printable, or refused with the reason.
    private static void Validate(string kind, string key, string? value)
    {
        Check(kind, nameof(kind), MaxKindLength);
        Check(key, nameof(key), MaxKeyLength);
        if (value?.Length > MaxValueLength)
            throw new ArgumentException($"A record value holds at most {MaxValueLength} characters.", nameof(value));
    }

    private static void Check(string text, string name, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new ArgumentException($"The record {name} must not be empty.", name);
        if (text.Length > max)
            throw new ArgumentException($"The record {name} holds at most {max} characters; this one has {text.Length}.", name);
        if (text.Any(char.IsControl))
            throw new ArgumentException($"The record {name} must not contain control characters.", name);
    }

    private sealed class Transaction(OutboxCapture capture) : IOutboxTransaction
    {
        public OutboxCapture Capture { get; } = capture;

        public List<StoreRecord> Records { get; } = [];

        public IPublishEndpoint Publisher => Capture.Publisher;

        public ISendEndpointProvider Sender => Capture.Sender;

        public void Record(string kind, string key, string? value = null)
        {
            Validate(kind, key, value);
            if (!Records.Any(r => r.Kind == kind && r.Key == key))
                Records.Add(new StoreRecord(kind, key, value));
        }
    }
}
