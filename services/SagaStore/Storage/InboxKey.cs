namespace Mlops.SagaStore.Storage;

/// <summary>One consumed message at one consumer: the inbox row that makes a redelivery recognisable.</summary>
internal readonly record struct InboxKey(Guid ConsumerId, Guid MessageId);
