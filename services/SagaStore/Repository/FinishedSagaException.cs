namespace Mlops.SagaStore.Repository;

/// <summary>The message correlates to a finished saga instance, which takes no more messages.</summary>
internal sealed class FinishedSagaException : Exception
{
    public FinishedSagaException()
        : base("The saga instance has finished.")
    {
    }

    public FinishedSagaException(string message)
        : base(message)
    {
    }

    public FinishedSagaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
