namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>How a Job ends: Complete, or Failed with a Kubernetes reason such as BackoffLimitExceeded.</summary>
public sealed record JobVerdict(bool Succeeded, string Reason, string Message)
{
    public static JobVerdict Complete(string message = "Reached expected number of succeeded pods") =>
        new(true, "Completed", message);

    public static JobVerdict Failed(string message, string reason = "BackoffLimitExceeded") =>
        new(false, reason, message);
}
