namespace Mlops.Sandbox.Mlflow;

/// <summary>Registration states of a model version; only READY versions can be served.</summary>
public static class ModelVersionStatus
{
    public const string PendingRegistration = "PENDING_REGISTRATION";
    public const string FailedRegistration = "FAILED_REGISTRATION";
    public const string Ready = "READY";
}
