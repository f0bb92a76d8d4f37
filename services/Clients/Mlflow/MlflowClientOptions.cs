using Mlops.Clients.Resilience;

namespace Mlops.Clients.Mlflow;

/// <summary>
/// The <c>Mlflow</c> section: the tracking server's URL and, when it has authentication, basic credentials (as
/// <c>MLFLOW_TRACKING_USERNAME</c>/<c>MLFLOW_TRACKING_PASSWORD</c>) or a bearer token (as <c>MLFLOW_TRACKING_TOKEN</c>).
/// </summary>
public sealed class MlflowClientOptions
{
    public const string Section = "Mlflow";

    /// <summary>The tracking server, e.g. <c>http://mlflow.mlflow.svc.cluster.local:5000</c>. Required.</summary>
    public Uri? Url { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? Token { get; set; }

    /// <summary>Bound on one attempt of one call.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry, breaker and overall timeout (<c>Mlflow:Resilience:*</c>).</summary>
    public ResilienceSettings Resilience { get; set; } = new();
}
