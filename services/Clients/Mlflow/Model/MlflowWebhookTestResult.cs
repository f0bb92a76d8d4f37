namespace Mlops.Clients.Mlflow.Model;

/// <summary>What a test delivery of a webhook got from the receiver.</summary>
public sealed record MlflowWebhookTestResult
{
    public bool Success { get; init; }

    public int? ResponseStatus { get; init; }

    public string? ResponseBody { get; init; }

    public string? ErrorMessage { get; init; }
}
