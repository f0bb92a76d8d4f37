using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Minio;
using Mlops.Clients.Mlflow;
using Mlops.ModelPromoter.Ops;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.ModelPromoter.Triggers;
using Mlops.ModelPromoter.Triggers.Minio;
using Mlops.ModelPromoter.Triggers.Reconciliation;
using Mlops.ModelPromoter.Triggers.Webhooks;
using Mlops.ModelPromoter.Watchers;
using OpenTelemetry.Metrics;

namespace Mlops.ModelPromoter.Extensions;

/// <summary>The ModelPromoter's composition: its sagas and consumers on the bus, its clients, policies, triggers and watchers, one registration a line.</summary>
public static class Extensions
{
    /// <summary>Every saga and consumer of the service, by name.</summary>
    public static void AddModelPromoterBus(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<PromotionStateMachine, PromotionState>();
        bus.AddSagaStateMachine<KnownStackStateMachine, KnownStackState>();
        bus.AddSagaStateMachine<RunArtifactStateMachine, RunArtifactState>();
        bus.AddSagaStateMachine<RegistryAliasStateMachine, RegistryAliasState>();
        bus.AddSagaStateMachine<RegistryReconciliationStateMachine, RegistryReconciliationState>();
        bus.AddConsumer<BucketNotificationConsumer, BucketNotificationConsumerDefinition>();
        bus.AddSagaStateMachine<ServingStateMachine, ServingState, ServingStateDefinition>();
    }

    /// <summary>The outside clients, the per-model policies, the promotion's and serving's settings, the triggers and the rollout watcher.</summary>
    public static IHostApplicationBuilder AddModelPromoterServices(this IHostApplicationBuilder builder)
    {
        builder.AddKubernetesClient();
        builder.AddMlflowClient();
        builder.AddMinioClient();
        builder.Services.TryAddSingleton<ModelPolicies>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ExperimentModels>();
        builder.Services.AddOptions<PromotionSettings>().Bind(builder.Configuration.GetSection(PromotionSettings.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PromotionSettings>, PromotionSettingsValidation>();
        builder.Services.AddOptions<RunArtifactSettings>().Bind(builder.Configuration.GetSection(RunArtifactSettings.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RunArtifactSettings>, RunArtifactSettingsValidation>();
        builder.Services.AddOptions<BucketNotificationSettings>().Bind(builder.Configuration.GetSection(BucketNotificationSettings.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BucketNotificationSettings>, BucketNotificationSettingsValidation>();
        builder.Services.AddOptions<ReconciliationSettings>().Bind(builder.Configuration.GetSection(ReconciliationSettings.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReconciliationSettings>, ReconciliationSettingsValidation>();
        builder.Services.AddScoped<PromotionVerifier>();
        builder.Services.AddScoped<RunArtifactResolver>();
        builder.Services.AddSingleton<KnownStacks>();
        builder.Services.AddHostedService<RegistryReconciler>();
        builder.Services.AddOptions<ServingOptions>().Bind(builder.Configuration.GetSection(ServingOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidation>();
        builder.Services.AddSingleton<ServingNamespaces>();
        builder.Services.AddHostedService<RolloutWatcher>();
        builder.Services.AddSingleton<RolloutDurations>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(RolloutDurations.MeterName));
        builder.Services.AddOptions<MlflowWebhookSettings>().Bind(builder.Configuration.GetSection(MlflowWebhookSettings.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MlflowWebhookSettings>, MlflowWebhookSettingsValidation>();
        builder.Services.AddSingleton<TriggerActivity>();
        builder.Services.AddConsumeObserver<TriggerCommandObserver>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(TriggerActivity.MeterName));
        return builder;
    }

    /// <summary>The service's own HTTP endpoints beside the defaults.</summary>
    public static WebApplication MapModelPromoterEndpoints(this WebApplication app)
    {
        app.MapMlflowWebhook();
        app.MapModelOps();
        return app;
    }
}
