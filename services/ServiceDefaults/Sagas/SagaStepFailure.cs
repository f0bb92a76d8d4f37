namespace Mlops.ServiceDefaults.Sagas;

/// <summary>A step that failed for good: which, why, in which state, when, and after how many attempts.</summary>
public sealed class SagaStepFailure
{
    public required string Step { get; set; }

    /// <summary>One line for people, e.g. <c>still failing after 10 min: HTTP 503 from MLflow (TEMPORARILY_UNAVAILABLE)</c>.</summary>
    public required string Reason { get; set; }

    /// <summary>The state the step ran in, where a replay starts it again.</summary>
    public required string State { get; set; }

    public DateTimeOffset FailedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>The HTTP status of the last answer, when there was one.</summary>
    public int? StatusCode { get; set; }

    /// <summary>How the last error was classified: Transient (its deadline passed), Conflict or Permanent.</summary>
    public required string Kind { get; set; }
}
