namespace Mlops.TrainingCoordinator.Watchers;

/// <summary>Where a training Job or Workflow stands, as the watcher reads it.</summary>
public static class TrainingJobPhase
{
    /// <summary>Created, its pod not running yet (scheduling, pulling the image).</summary>
    public const string Pending = "Pending";

    public const string Running = "Running";

    public const string Succeeded = "Succeeded";

    public const string Failed = "Failed";

    /// <summary>Its pod cannot start and will not by itself (image not pullable past a bound, a Secret or key missing).</summary>
    public const string Stuck = "Stuck";

    /// <summary>Gone from the API server.</summary>
    public const string Deleted = "Deleted";
}
