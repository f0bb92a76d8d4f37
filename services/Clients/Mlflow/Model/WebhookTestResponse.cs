namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer of <c>POST webhooks/{id}/test</c>.</summary>
public sealed record WebhookTestResponse
{
    public MlflowWebhookTestResult Result { get; init; } = new();
}
