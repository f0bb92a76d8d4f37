namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer holding one webhook.</summary>
public sealed record WebhookResponse
{
    public MlflowWebhook Webhook { get; init; } = new();
}
