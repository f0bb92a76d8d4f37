namespace Mlops.Clients.Mlflow.Model;

/// <summary>An MLflow 3 webhook; its secret is never returned.</summary>
public sealed record MlflowWebhook
{
    public string WebhookId { get; init; } = "";

    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public string Url { get; init; } = "";

    public IReadOnlyList<MlflowWebhookEvent> Events { get; init; } = [];

    /// <summary><c>ACTIVE</c> or <c>DISABLED</c>.</summary>
    public string? Status { get; init; }

    public long? CreationTimestamp { get; init; }

    public long? LastUpdatedTimestamp { get; init; }
}
