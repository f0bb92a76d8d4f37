using MassTransit;
using Mlops.Contracts;
using Mlops.SagaStore;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A stack as the promoter last saw it announced (<see cref="StackReady"/>): which bucket holds its artifacts (so a MinIO
/// event is recognised as a model of that stack) and whether it is the only stack there is (a promotion's default).
/// </summary>
public sealed class KnownStackState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    public Guid FlowId { get; set; }

    [SagaIndex]
    public string? StackName { get; set; }

    [SagaIndex]
    public string? ArtifactBucket { get; set; }

    /// <summary>The last announcement, as the Provisioner sent it.</summary>
    public StackReady? Stack { get; set; }

    public DateTimeOffset? AnnouncedAt { get; set; }
}
