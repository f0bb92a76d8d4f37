namespace Mlops.Clients.Mlflow.Model;

/// <summary>A run's status; FINISHED, FAILED and KILLED are final.</summary>
public static class MlflowRunStatus
{
    public const string Running = "RUNNING";
    public const string Scheduled = "SCHEDULED";
    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
    public const string Killed = "KILLED";
}
