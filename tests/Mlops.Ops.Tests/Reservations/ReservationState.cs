using MassTransit;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.Ops.Tests.Reservations;

/// <summary>One GPU reservation.</summary>
public sealed class ReservationState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }
    public Guid FlowId { get; set; }
    public string Pool { get; set; } = "";
    public int Hours { get; set; }
    public string? RequestedBy { get; set; }
    public string? Note { get; set; }
    public SchedulerAccess Access { get; set; } = new();
    public string? CancelledBy { get; set; }
    public string? CancelReason { get; set; }
    public SagaStepProgress? PendingStep { get; set; }
    public SagaStepFailure? FailedStep { get; set; }
}
