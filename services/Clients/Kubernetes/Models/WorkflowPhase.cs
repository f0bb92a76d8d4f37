namespace Mlops.Clients.Kubernetes.Models;

/// <summary>Argo's workflow phases; Succeeded, Failed and Error are final.</summary>
public static class WorkflowPhase
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Error = "Error";

    public static bool IsFinal(string? phase) => phase is Succeeded or Failed or Error;
}
