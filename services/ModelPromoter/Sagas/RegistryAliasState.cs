using MassTransit;
using Mlops.SagaStore;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A model's target alias as the promoter follows it in the registry: where it last pointed, and the writes the product
/// itself expects, so a person moving it is served (a deliberate promotion) and the product's own writes never loop back.
/// </summary>
public sealed class RegistryAliasState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public Guid FlowId { get; set; }

    [SagaIndex]
    public string? ModelName { get; set; }

    public string? Alias { get; set; }

    /// <summary>The version the alias pointed at when last seen; null: not set (or removed).</summary>
    public string? LastSeenVersion { get; set; }

    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>Writes of the product's serving saga not seen in the registry yet (or settled without moving the alias).</summary>
    public List<RegistryAliasWrite> OwnWrites { get; set; } = [];

    /// <summary>The last time a person moved the alias: the version and the promotion it started.</summary>
    public string? LastChosenVersion { get; set; }

    public Guid? LastChoicePromotionId { get; set; }

    public DateTimeOffset? LastChosenAt { get; set; }
}
