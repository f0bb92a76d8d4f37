using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Mlflow;
using Mlops.ServiceDefaults;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Ops;
using Mlops.TrainingCoordinator.Registry;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;
using Mlops.TrainingCoordinator.Watchers;

namespace Mlops.TrainingCoordinator.Extensions;

/// <summary>Everything the TrainingCoordinator is made of, one registration a line.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDefaults(bus =>
        {
            bus.AddSagaStateMachine<TrainingRunStateMachine, TrainingRunState, TrainingRunStateDefinition>();
        });
        builder.AddKubernetesClient();
        builder.AddMlflowClient();

        var services = builder.Services;
        services.AddOptions<TrainingSettings>().Bind(builder.Configuration.GetSection(TrainingSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrainingSettings>, TrainingSettingsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TrainingRunRecorder>();
        services.AddScoped<ModelVersionRegistrar>();
        services.AddScoped<TrainingJobSubmitter>();
        services.AddSingleton<WatchedNamespaces>();
        services.AddSingleton<TrainingJobReporter>();
        services.AddHostedService<TrainingJobWatcher>();
        return builder;
    }

    /// <summary>The TrainingCoordinator's own ops endpoints, after <c>MapDefaultEndpoints</c>.</summary>
    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapTrainingOps();
        return app;
    }
}
