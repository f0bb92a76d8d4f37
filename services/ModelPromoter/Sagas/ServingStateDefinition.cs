using MassTransit;
using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;
using Mlops.ModelPromoter.Watchers;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The serving saga's endpoint (<c>model-promoter-serving-state</c>): messages for one model are handled one after the
/// other in this process (a partition per saga id), so a rollout report that arrives while a step runs waits its turn
/// instead of racing it; replicas still race, and the store's optimistic concurrency settles that.
/// </summary>
public sealed class ServingStateDefinition : SagaDefinition<ServingState>
{
    private const int Partitions = 16;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<ServingState> sagaConfigurator,
        IRegistrationContext context)
    {
        var partition = endpointConfigurator.CreatePartitioner(Partitions);
        sagaConfigurator.Message<ServeModelVersion>(x => x.UsePartitioner(partition, m => ServingSagaIds.ForModel(m.Message.ModelName)));
        sagaConfigurator.Message<RollbackModel>(x => x.UsePartitioner(partition, m => ServingSagaIds.ForModel(m.Message.ModelName)));
        sagaConfigurator.Message<RetireModel>(x => x.UsePartitioner(partition, m => ServingSagaIds.ForModel(m.Message.ModelName)));
        sagaConfigurator.Message<DeploymentRolloutObserved>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<ServingWaitTimedOut>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<SagaStepRetryDue<ServingState>>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<ReplaySaga>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<CancelSaga>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
    }
}
