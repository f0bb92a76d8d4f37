namespace Mlops.TrainingCoordinator.Training;

/// <summary>
/// A run cannot go on, for a reason of its own rather than an outside system's error (a namespace the stack does not
/// offer, a run that registered nothing, a version that failed registration). Permanent: the step fails with the message.
/// </summary>
public sealed class TrainingRunException : Exception
{
    /// <summary>What <c>TransientErrors</c> puts before the message of an unknown exception; stripped from failure reasons.</summary>
    public const string ReasonPrefix = nameof(TrainingRunException) + ": ";

    public TrainingRunException(string message)
        : base(message)
    {
    }

    public TrainingRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TrainingRunException()
    {
    }
}
