namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>POST webhooks/{id}/test</c>; without an event the webhook's first one is sent.</summary>
public sealed record TestWebhookRequest
{
    public MlflowWebhookEvent? Event { get; init; }
}
