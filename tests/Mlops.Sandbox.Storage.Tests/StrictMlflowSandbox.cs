namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A storage sandbox whose MLflow keeps its default webhook rules: https and public addresses only.</summary>
public sealed class StrictMlflowSandbox : StorageSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>
    {
        ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = null,
        ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"] = null,
    };
}
