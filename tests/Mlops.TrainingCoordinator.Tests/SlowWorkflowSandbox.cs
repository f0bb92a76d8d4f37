namespace Mlops.TrainingCoordinator.Tests;

/// <summary>The training sandbox with Workflows that stay Pending for a minute, long enough to cancel one that has not run.</summary>
public sealed class SlowWorkflowSandbox : TrainingSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Sandbox:Kubernetes:WorkflowPhaseDuration"] = "00:01:00",
    };
}
