namespace Mlops.SagaStore.Repository;

/// <summary>The saga read found the message in the inbox: it was consumed before and must change nothing again.</summary>
internal sealed class DuplicateMessageException : Exception
{
    public DuplicateMessageException()
        : base("The message was consumed before.")
    {
    }

    public DuplicateMessageException(string message)
        : base(message)
    {
    }

    public DuplicateMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
