using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Minio;
using Mlops.Clients.Mlflow;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.ModelPromoter.Watchers;

namespace Mlops.ModelPromoter.Extensions;

/// <summary>The ModelPromoter's composition: its sagas and consumers on the bus, its clients, policies and watchers, one registration a line.</summary>
public static class Extensions
{
    /// <summary>Every saga and consumer of the service, by name.</summary>
    public static void AddModelPromoterBus(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<ServingStateMachine, ServingState, ServingStateDefinition>();
    }

    /// <summary>The outside clients, the per-model policies, serving settings and the rollout watcher.</summary>
    public static IHostApplicationBuilder AddModelPromoterServices(this IHostApplicationBuilder builder)
    {
        builder.AddKubernetesClient();
        builder.AddMlflowClient();
        builder.AddMinioClient();
        builder.Services.TryAddSingleton<ModelPolicies>();
        builder.Services.AddOptions<ServingOptions>().Bind(builder.Configuration.GetSection(ServingOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidation>();
        builder.Services.AddSingleton<ServingNamespaces>();
        builder.Services.AddHostedService<RolloutWatcher>();
        return builder;
    }
}
