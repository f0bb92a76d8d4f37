namespace Mlops.SagaStore;

/// <summary>The saga store's database cannot be used by this build, e.g. it was upgraded by a newer one.</summary>
public sealed class SagaStoreSchemaException : Exception
{
    public SagaStoreSchemaException(string message)
        : base(message)
    {
    }

    public SagaStoreSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SagaStoreSchemaException()
    {
    }
}
