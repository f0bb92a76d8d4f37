namespace Mlops.SagaStore;

/// <summary>Another process holds the SQLite store file; SQLite serves one replica, several replicas need PostgreSQL.</summary>
public sealed class SagaStoreFileInUseException : Exception
{
    public SagaStoreFileInUseException(string message)
        : base(message)
    {
    }

    public SagaStoreFileInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SagaStoreFileInUseException()
    {
    }
}
