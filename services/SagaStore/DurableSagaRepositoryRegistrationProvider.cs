using MassTransit;
using MassTransit.Configuration;

namespace Mlops.SagaStore;

/// <summary>Gives sagas registered by type (without a repository of their own) the durable repository.</summary>
internal sealed class DurableSagaRepositoryRegistrationProvider : ISagaRepositoryRegistrationProvider
{
    public void Configure<TSaga>(ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga =>
        configurator.DurableRepository();
}
