namespace Mlops.Sandbox.Mlflow;

/// <summary>Settings of the MLflow stand-in, read from <c>Sandbox:mlflow</c>.</summary>
public sealed class MlflowOptions
{
    /// <summary>How long a new model version stays PENDING_REGISTRATION before it becomes READY.</summary>
    public TimeSpan ModelVersionReadyDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where experiments keep artifacts unless created with their own location (MLflow's <c>--default-artifact-root</c>).</summary>
    public string DefaultArtifactRoot { get; set; } = "s3://mlflow";

    /// <summary>Retries of a webhook delivery answered with 429 or 5xx (MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES, default 3).</summary>
    public int WebhookMaxRetries { get; set; } = 3;

    /// <summary>First backoff of a retried delivery; doubles on each retry (MLflow: 1 s, 2 s, 4 s …).</summary>
    public TimeSpan WebhookRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one delivery attempt (MLFLOW_WEBHOOK_REQUEST_TIMEOUT, default 30 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public static MlflowOptions From(IConfiguration section)
    {
        var options = new MlflowOptions();
        section.Bind(options);
        return options;
    }
}
