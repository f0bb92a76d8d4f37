namespace Mlops.ServiceDefaults.Sagas;

/// <summary>A step that is being tried: since when, how often, and when it is tried next.</summary>
public sealed class SagaStepProgress
{
    public required string Step { get; set; }

    /// <summary>The state the step runs in; a retry that finds the saga elsewhere is dropped.</summary>
    public required string State { get; set; }

    /// <summary>When the first attempt of this run of the step began; the step's deadline counts from here.</summary>
    public DateTimeOffset StartedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset LastAttemptAt { get; set; }

    /// <summary>When the retry deadline fires; null while an attempt runs.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Why the last attempt failed.</summary>
    public string? LastReason { get; set; }
}
