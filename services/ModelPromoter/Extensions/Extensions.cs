using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mlops.Clients.Mlflow;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Triggers;
using Mlops.ModelPromoter.Triggers.Minio;
using Mlops.ModelPromoter.Triggers.Reconciliation;
using Mlops.ServiceDefaults;
using OpenTelemetry.Metrics;

namespace Mlops.ModelPromoter.Extensions;

/// <summary>Everything the ModelPromoter is made of, one registration a line.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var minioEnabled = builder.Configuration.GetValue(BucketNotificationSettings.Section + ":" + nameof(BucketNotificationSettings.Enabled), true);
        builder.AddServiceDefaults(bus =>
        {
            bus.AddSagaStateMachine<PromotionStateMachine, PromotionState>();
            bus.AddSagaStateMachine<KnownStackStateMachine, KnownStackState>();
            bus.AddSagaStateMachine<RunArtifactStateMachine, RunArtifactState>();
            bus.AddSagaStateMachine<RegistryAliasStateMachine, RegistryAliasState>();
            bus.AddSagaStateMachine<RegistryReconciliationStateMachine, RegistryReconciliationState>();
            if (minioEnabled)
                bus.AddConsumer<BucketNotificationConsumer, BucketNotificationConsumerDefinition>();
        });
        builder.AddMlflowClient();

        var services = builder.Services;
        var configuration = builder.Configuration;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelPolicies>();
        services.AddOptions<PromotionSettings>().Bind(configuration.GetSection(PromotionSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PromotionSettings>, PromotionSettingsValidation>();
        services.AddOptions<BucketNotificationSettings>().Bind(configuration.GetSection(BucketNotificationSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BucketNotificationSettings>, BucketNotificationSettingsValidation>();
        services.AddOptions<RunArtifactSettings>().Bind(configuration.GetSection(RunArtifactSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunArtifactSettings>, RunArtifactSettingsValidation>();
        services.AddSingleton<ExperimentModels>();
        services.AddScoped<PromotionVerifier>();
        services.AddScoped<RunArtifactResolver>();
        services.AddSingleton<KnownStacks>();
        services.AddOptions<ReconciliationSettings>().Bind(configuration.GetSection(ReconciliationSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconciliationSettings>, ReconciliationSettingsValidation>();
        services.AddHostedService<RegistryReconciler>();
        services.AddSingleton<TriggerActivity>();
        services.AddConsumeObserver<TriggerCommandObserver>();
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(TriggerActivity.MeterName));
        return builder;
    }
}
