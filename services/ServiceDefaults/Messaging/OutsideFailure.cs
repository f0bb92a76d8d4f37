namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// An exception classified by <see cref="TransientErrors.Classify"/>: what it calls for, the HTTP status when one was answered,
/// and one line a saga can keep as its failure reason (no URLs, credentials or response dumps).
/// </summary>
/// <param name="Kind">Whether to retry, re-read and retry, or give up.</param>
/// <param name="StatusCode">The HTTP status the outside system answered, or null when none was (connection failure, timeout).</param>
/// <param name="Reason">One line for people, e.g. <c>HTTP 503 from MLflow (TEMPORARILY_UNAVAILABLE): try later</c>.</param>
public sealed record OutsideFailure(OutsideFailureKind Kind, int? StatusCode, string Reason)
{
    public bool IsTransient => Kind == OutsideFailureKind.Transient;
}
