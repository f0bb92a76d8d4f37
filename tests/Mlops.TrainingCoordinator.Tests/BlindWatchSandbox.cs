namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// The training sandbox with Jobs that run for seconds and watches the API server ends after half a second to a second,
/// as a real server ends every watch at its request timeout: a watcher must watch again, and may find the server refusing.
/// </summary>
public sealed class BlindWatchSandbox : TrainingSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Sandbox:Kubernetes:JobDuration"] = "00:00:04",
        ["Sandbox:Kubernetes:WatchTimeout"] = "00:00:00.500",
    };
}
