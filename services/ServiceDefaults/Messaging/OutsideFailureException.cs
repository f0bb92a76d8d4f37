namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// A failure a step names itself, in words no client exception has: something not there yet (transient, waited for at a
/// deadline) or found in a shape that will not heal (permanent), e.g. "secret mlflow/minio-credentials has no key
/// AWS_SECRET_ACCESS_KEY after 120 s". <see cref="TransientErrors.Classify"/> takes its kind and reason as they are.
/// </summary>
public sealed class OutsideFailureException : Exception
{
    public OutsideFailureException(OutsideFailureKind kind, string reason, int? statusCode = null, Exception? innerException = null)
        : base(reason, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    public OutsideFailureException()
        : this(OutsideFailureKind.Permanent, "the step failed")
    {
    }

    public OutsideFailureException(string message)
        : this(OutsideFailureKind.Permanent, message)
    {
    }

    public OutsideFailureException(string message, Exception innerException)
        : this(OutsideFailureKind.Permanent, message, null, innerException)
    {
    }

    public OutsideFailureKind Kind { get; }

    public int? StatusCode { get; }

    /// <summary>A failure that waiting will not cure.</summary>
    public static OutsideFailureException Permanent(string reason, int? statusCode = null) => new(OutsideFailureKind.Permanent, reason, statusCode);

    /// <summary>Something not there yet: the step is tried again at a deadline.</summary>
    public static OutsideFailureException NotYet(string reason) => new(OutsideFailureKind.Transient, reason);
}
