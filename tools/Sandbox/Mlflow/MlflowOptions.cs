namespace Mlops.Sandbox.Mlflow;

/// <summary>Settings of the MLflow stand-in, read from <c>Sandbox:mlflow</c>; webhook URL rules use MLflow's own environment variable names.</summary>
public sealed class MlflowOptions
{
    /// <summary>How long a new model version stays PENDING_REGISTRATION before it becomes READY.</summary>
    public TimeSpan ModelVersionReadyDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where experiments keep artifacts unless created with their own location (MLflow's <c>--default-artifact-root</c>).</summary>
    public string DefaultArtifactRoot { get; set; } = "s3://mlflow";

    /// <summary>Retries of a webhook delivery answered with 429, 500, 502, 503 or 504 or not answered (MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES, default 3).</summary>
    public int WebhookMaxRetries { get; set; } = 3;

    /// <summary>
    /// The backoff factor of retried deliveries, as urllib3's Retry uses it: no wait before the first retry, then
    /// 2×, 4× … this, at most 60 s (MLflow: backoff_factor 1 s).
    /// </summary>
    public TimeSpan WebhookRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Random extra wait, up to this, added to each backoff (MLflow: backoff_jitter 1 s).</summary>
    public TimeSpan WebhookRetryJitter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one delivery attempt (MLFLOW_WEBHOOK_REQUEST_TIMEOUT, default 30 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Which webhook URLs may be called: <c>Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES</c> and
    /// <c>Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS</c>, else the process environment's variables of those names.
    /// </summary>
    public WebhookUrlPolicy WebhookUrls { get; private set; } = WebhookUrlPolicy.Default;

    public static MlflowOptions From(IConfiguration section)
    {
        var options = new MlflowOptions();
        section.Bind(options);
        options.WebhookUrls = WebhookUrlPolicy.From(name => section[name] ?? Environment.GetEnvironmentVariable(name));
        return options;
    }
}
