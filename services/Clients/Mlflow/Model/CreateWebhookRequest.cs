namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>POST webhooks</c>.</summary>
public sealed record CreateWebhookRequest
{
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public string Url { get; init; } = "";

    public IReadOnlyList<MlflowWebhookEvent> Events { get; init; } = [];

    /// <summary>Signs deliveries (HMAC-SHA256); never logged.</summary>
    public string? Secret { get; init; }

    public string? Status { get; init; }
}
