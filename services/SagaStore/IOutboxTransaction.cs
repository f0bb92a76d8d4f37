using MassTransit;

namespace Mlops.SagaStore;

/// <summary>
/// One transaction of the outbox API: what it records and what it publishes or sends are committed together, or not at all.
/// </summary>
public interface IOutboxTransaction
{
    /// <summary>Publishes into the outbox; every MassTransit publish overload is available.</summary>
    IPublishEndpoint Publisher { get; }

    /// <summary>Sends into the outbox, to an address (<c>queue:name</c>, <c>exchange:name</c>, or a full URI).</summary>
    ISendEndpointProvider Sender { get; }

    /// <summary>
    /// Records <paramref name="key"/> under <paramref name="kind"/> (e.g. "mlflow-webhook-delivery" and the delivery id). If it
    /// is recorded already, the commit writes and sends nothing and answers <see cref="OutboxCommitResult.AlreadyRecorded"/>.
    /// </summary>
    void Record(string kind, string key, string? value = null);
}
