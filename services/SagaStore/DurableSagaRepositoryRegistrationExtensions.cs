using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Repository;

namespace Mlops.SagaStore;

/// <summary>Puts MassTransit sagas on the durable saga store registered with <c>AddSagaStore</c>.</summary>
public static class DurableSagaRepositoryRegistrationExtensions
{
    /// <summary>Stores this saga in the service's saga store: <c>x.AddSagaStateMachine&lt;TMachine, TState&gt;().DurableRepository()</c>.</summary>
    public static ISagaRegistrationConfigurator<TSaga> DurableRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(configurator);
        // Built here so a saga type the store cannot map fails at registration, not at its first message.
        var map = new SagaMap<TSaga>();
        configurator.Repository(services => Register(services, map));
        return configurator;
    }

    /// <summary>Stores every saga registered without an explicit repository in the service's saga store.</summary>
    public static void SetDurableSagaRepositoryProvider(this IRegistrationConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.SetSagaRepositoryProvider(new DurableSagaRepositoryRegistrationProvider());
    }

    private static void Register<TSaga>(ISagaRepositoryRegistrationConfigurator<TSaga> services, SagaMap<TSaga> map)
        where TSaga : class, ISaga
    {
        if (services.Any(d => d.ServiceType == typeof(SagaMap<TSaga>)))
            return;
        services.AddSingleton(map);
        services.AddSingleton<SagaMap>(map);
        services.RegisterLoadSagaRepository<TSaga, DurableSagaRepositoryContextFactory<TSaga>>();
        services.RegisterQuerySagaRepository<TSaga, DurableSagaRepositoryContextFactory<TSaga>>();
        services.RegisterSagaRepository<TSaga, SagaSession<TSaga>, DurableSagaConsumeContextFactory<TSaga>, DurableSagaRepositoryContextFactory<TSaga>>();
    }
}
