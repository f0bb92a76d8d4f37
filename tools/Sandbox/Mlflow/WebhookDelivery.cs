namespace Mlops.Sandbox.Mlflow;

/// <summary>One attempt to deliver a webhook event, kept so tests can count deliveries and retries.</summary>
public sealed record WebhookDelivery(
    string WebhookId,
    string Event,
    string DeliveryId,
    int Attempt,
    int? StatusCode,
    string? Error,
    DateTimeOffset At);
