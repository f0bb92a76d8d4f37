using MassTransit;
using Mlops.Contracts;
using Mlops.ServiceDefaults.Sagas;
using Mlops.TrainingCoordinator.Watchers;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>
/// The run's endpoint: a run's messages are handled one at a time in this process, so a watcher report that arrives
/// while the transition that created the Job is still being written waits for it, instead of meeting the run in the
/// state before and being dropped as unhandled. (Across replicas the watcher's relists report again.)
/// </summary>
public sealed class TrainingRunStateDefinition : SagaDefinition<TrainingRunState>
{
    /// <summary>Runs handled at once by one process.</summary>
    public const int Partitions = 16;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<TrainingRunState> sagaConfigurator,
        IRegistrationContext context)
    {
        var partition = endpointConfigurator.CreatePartitioner(Partitions);
        sagaConfigurator.Message<StartTraining>(x => x.UsePartitioner(partition, m => TrainingRunStateMachine.TrainingIdOf(m)));
        sagaConfigurator.Message<StackStatus>(x => x.UsePartitioner(partition, m => m.RequestId ?? Guid.Empty));
        sagaConfigurator.Message<TrainingJobObserved>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<TrainingOutcomeOverdue>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<StackWaitExpired>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<ModelRegistrationDue>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<ModelVersionCheckDue>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<SagaStepRetryDue<TrainingRunState>>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<ReplaySaga>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
        sagaConfigurator.Message<CancelSaga>(x => x.UsePartitioner(partition, m => m.Message.CorrelationId));
    }
}
