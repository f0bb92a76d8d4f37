namespace Mlops.ModelPromoter.Sagas;

/// <summary>An alias write the product expects of its serving saga: the version, the promotion that asked, and how it settled.</summary>
public sealed class RegistryAliasWrite
{
    public required string Version { get; set; }

    public required Guid PromotionId { get; set; }

    public DateTimeOffset ExpectedAt { get; set; }

    public DateTimeOffset? SettledAt { get; set; }
}
