using MassTransit;
using Mlops.Contracts;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>Records the reconciliation's baseline once; a second first pass (two replicas, a crash before it was recorded) changes nothing.</summary>
public sealed class RegistryReconciliationStateMachine : MassTransitStateMachine<RegistryReconciliationState>
{
    /// <summary>The one instance of a service.</summary>
    public static readonly Guid Id = SagaIds.NameBased(new Guid("9d3f6b80-2c1e-4a57-b4e9-81f0a6c2d735"), "registry-reconciliation");

    public RegistryReconciliationStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => BaselineRecorded, x => x.CorrelateById(_ => Id));

        Initially(When(BaselineRecorded)
            .Then(context =>
            {
                context.Saga.BaselineAt = context.Message.OccurredAt;
                context.Saga.BaselineVersions = context.Message.Versions;
                context.Saga.BaselineServed = context.Message.Served;
                context.Saga.BaselineHighestVersions = new Dictionary<string, long>(context.Message.HighestVersions, StringComparer.Ordinal);
                context.Saga.BaselineAliases = new Dictionary<string, string>(context.Message.Aliases, StringComparer.Ordinal);
            })
            .TransitionTo(Baselined));
    }

    public State Baselined { get; private set; } = null!;

    public Event<RegistryBaselineRecorded> BaselineRecorded { get; private set; } = null!;
}
