using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Minio;
using Mlops.Clients.Mlflow;
using Mlops.Provisioner.Consumers;
using Mlops.Provisioner.Ops;
using Mlops.Provisioner.Sagas;
using Mlops.Provisioner.Stacks;
using Mlops.Provisioner.Steps;

namespace Mlops.Provisioner.Extensions;

/// <summary>The Provisioner's composition: its clients, settings, steps, saga and consumers, one registration a line.</summary>
public static class Extensions
{
    /// <summary>The Provisioner's saga and consumers on the bus.</summary>
    public static void AddProvisionerBus(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddSagaStateMachine<StackStateMachine, StackState>();
        bus.AddConsumer<GetStackStatusConsumer>();
    }

    /// <summary>The outside clients, the <c>Provisioner</c> settings, the steps and the stack file loader.</summary>
    public static IHostApplicationBuilder AddProvisioner(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddKubernetesClient();
        builder.AddMinioClient();
        builder.AddMlflowClient();
        var services = builder.Services;
        services.AddOptions<ProvisionerOptions>().Bind(builder.Configuration.GetSection(ProvisionerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProvisionerOptions>, ProvisionerOptionsValidation>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ComponentManifests>();
        services.AddScoped<SecretValues>();
        services.AddScoped<ValidateStep>();
        services.AddScoped<NamespacesStep>();
        services.AddScoped<SecretsStep>();
        services.AddScoped<ComponentsStep>();
        services.AddScoped<BucketsStep>();
        services.AddScoped<NotificationsStep>();
        services.AddScoped<MlflowStep>();
        services.AddHostedService<StackFileLoader>();
        return builder;
    }

    /// <summary>The Provisioner's own ops endpoints, after <c>MapDefaultEndpoints</c>.</summary>
    public static WebApplication MapProvisionerEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapStackOps();
        return app;
    }
}
