using MassTransit;
using Mlops.Contracts;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.Ops.Tests.Reservations;

/// <summary>
/// Reserves GPUs in one step (which fails for good while the pool is closed), can be replayed and cancelled through the ops
/// API, and finishes when the GPUs are released.
/// </summary>
public sealed class ReservationStateMachine : MassTransitStateMachine<ReservationState>
{
    public ReservationStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Reserve, x => x.CorrelateById(m => m.Message.ReservationId));
        Event(() => Release, x =>
        {
            x.CorrelateById(m => m.Message.ReservationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Replay, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Cancel, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });

        var reserve = new SagaStep<ReservationState>("reserve-gpu", step =>
            step.GetRequiredService<GpuPool>().ReserveAsync(step.Saga.Pool, step.Saga.Hours, step.CancellationToken));

        this.UseSagaSteps(Failed);

        Initially(
            When(Reserve)
                .Then(context =>
                {
                    var message = context.Message;
                    context.Saga.FlowId = message.FlowId;
                    context.Saga.Pool = message.Pool;
                    context.Saga.Hours = message.Hours;
                    context.Saga.RequestedBy = message.RequestedBy;
                    context.Saga.Note = message.Note;
                    context.Saga.Access = new SchedulerAccess
                    {
                        SecretName = $"{message.Pool}-scheduler",
                        AccessKeyId = "AKIAOPS",
                        ApiToken = message.SchedulerToken,
                        Password = "hunter2-hunter2",
                        Env =
                        [
                            new EnvironmentValue { Name = "SCHEDULER_PASSWORD", Value = "env-secret-value" },
                            new EnvironmentValue { Name = "SCHEDULER_POOL", Value = message.Pool },
                        ],
                    };
                })
                .TransitionTo(Reserving));

        During(Reserving,
            When(Reserving.Enter).Step(reserve, then => then.TransitionTo(Reserved)));
        During(Reserved,
            When(Release).Finalize());
        During(Reserving, Reserved, Failed,
            When(Cancel, context => SagaStepExtensions.IsSagaType<ReservationState>(context.Message.SagaType))
                .Then(context =>
                {
                    context.Saga.CancelledBy = context.Message.RequestedBy;
                    context.Saga.CancelReason = context.Message.Reason;
                })
                .TransitionTo(Cancelled));

        DuringAny(
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());

        SetCompletedWhenFinalized();
    }

    public State Reserving { get; private set; } = null!;
    public State Reserved { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<ReserveGpu> Reserve { get; private set; } = null!;
    public Event<ReleaseGpu> Release { get; private set; } = null!;
    public Event<SagaStepRetryDue<ReservationState>> StepRetryDue { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;
    public Event<CancelSaga> Cancel { get; private set; } = null!;
}
