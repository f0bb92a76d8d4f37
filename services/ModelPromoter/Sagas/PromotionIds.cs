using Mlops.Contracts;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// Promotion saga ids: every automatic trigger of a version shares attempt 0 (<see cref="SagaIds.ForModelVersion"/>), so
/// their duplicates land on one instance; a deliberate choice carries its own request id as its attempt.
/// </summary>
public static class PromotionIds
{
    // Fixed: changing it would orphan every stored deliberate attempt.
    private static readonly Guid AttemptNamespace = new("c41f8e27-5b90-4d3a-a6e2-7f18d09b3c54");

    /// <summary>Attempt 0 of a version: what every automatic trigger starts.</summary>
    public static Guid Automatic(string modelName, string version) => SagaIds.ForModelVersion(modelName, version);

    /// <summary>A deliberate attempt for a version, named by the request (or delivery) that chose it.</summary>
    public static Guid Deliberate(string modelName, string version, Guid attempt)
    {
        if (attempt == Guid.Empty)
            throw new ArgumentException("A deliberate attempt needs its request id.", nameof(attempt));
        return SagaIds.NameBased(AttemptNamespace, $"{modelName}\n{version.Trim()}\n{attempt:N}");
    }
}
