namespace Mlops.Clients.Mlflow.Model;

/// <summary>One page of <c>GET webhooks</c>.</summary>
public sealed record WebhooksPage
{
    public IReadOnlyList<MlflowWebhook> Webhooks { get; init; } = [];

    public string? NextPageToken { get; init; }
}
