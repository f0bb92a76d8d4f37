namespace Mlops.TrainingCoordinator.Tests;

/// <summary>The training sandbox with Jobs whose container runs for seconds, long enough to kill the coordinator meanwhile.</summary>
public sealed class LongJobSandbox : TrainingSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Sandbox:Kubernetes:JobDuration"] = "00:00:04",
    };
}
