namespace Mlops.Clients.Mlflow.Model;

/// <summary>A model version's registration status.</summary>
public static class MlflowModelVersionStatus
{
    public const string PendingRegistration = "PENDING_REGISTRATION";
    public const string FailedRegistration = "FAILED_REGISTRATION";
    public const string Ready = "READY";
}
