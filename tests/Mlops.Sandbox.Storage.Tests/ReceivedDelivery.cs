namespace Mlops.Sandbox.Storage.Tests;

/// <summary>One webhook request as the receiver saw it, when, and the status it answered.</summary>
public sealed record ReceivedDelivery(string DeliveryId, string Timestamp, string Signature, string ContentType, string Body, int AnsweredStatus, DateTimeOffset At);
