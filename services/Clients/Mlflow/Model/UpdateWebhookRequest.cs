namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>PATCH webhooks/{id}</c>; fields left null keep their value.</summary>
public sealed record UpdateWebhookRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Url { get; init; }

    public IReadOnlyList<MlflowWebhookEvent>? Events { get; init; }

    public string? Secret { get; init; }

    public string? Status { get; init; }
}
