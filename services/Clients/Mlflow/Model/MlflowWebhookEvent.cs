namespace Mlops.Clients.Mlflow.Model;

/// <summary>A registry event a webhook subscribes to; MLflow writes both parts in upper case (<c>MODEL_VERSION</c>, <c>CREATED</c>).</summary>
public sealed record MlflowWebhookEvent
{
    public string Entity { get; init; } = "";

    public string Action { get; init; } = "";
}
