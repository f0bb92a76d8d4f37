namespace Mlops.SagaStore.Storage;

/// <summary>A sweep stopped at a deadline whose event could not be published; the ones before it went out.</summary>
internal sealed class DeadlinePublishException : Exception
{
    public DeadlinePublishException(int published, string message, Exception innerException)
        : base(message, innerException) => Published = published;

    public DeadlinePublishException()
    {
    }

    public DeadlinePublishException(string message)
        : base(message)
    {
    }

    public DeadlinePublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Published { get; }
}
