namespace Mlops.Contracts;

/// <summary>The MLflow 3 webhook to the ModelPromoter: its events, and the Secret key holding its signing secret.</summary>
public sealed record MlflowWebhookSpec
{
    public IReadOnlyList<string> Events { get; init; } =
        ["model_version.created", "model_version_alias.created", "model_version_alias.deleted"];

    /// <summary>The Secret (in the stack's namespace) holding the signing secret the ModelPromoter verifies with.</summary>
    public required string SecretName { get; init; }

    public string SecretKey { get; init; } = "webhook-secret";
}
