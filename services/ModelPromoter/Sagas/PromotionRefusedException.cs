namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A version is not fit to serve, for a reason of its own rather than an outside system's error (not registered, a gate
/// not met, no stack to serve on). Permanent: the step fails with the message, which is what people read.
/// </summary>
public sealed class PromotionRefusedException : Exception
{
    /// <summary>What <c>TransientErrors</c> puts before the message of an unknown exception; stripped from failure reasons.</summary>
    public const string ReasonPrefix = nameof(PromotionRefusedException) + ": ";

    public PromotionRefusedException(string message)
        : base(message)
    {
    }

    public PromotionRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PromotionRefusedException()
    {
    }
}
