using Mlops.Contracts;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>The id of a model's serving saga, from its MLflow name, so every request for the model lands on one instance.</summary>
public static class ServingSagaIds
{
    /// <summary>Ledger entries kept per model; older ones are dropped.</summary>
    public const int LedgerSize = 200;

    // Fixed: changing it would orphan every stored serving saga.
    private static readonly Guid ModelNamespace = new("c41f8e27-0b9d-4a63-9e15-7d2a6b08f3c4");

    public static Guid ForModel(string modelName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        return SagaIds.NameBased(ModelNamespace, modelName);
    }
}
