using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Sagas;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Messaging;

namespace Mlops.ModelPromoter.Triggers.Reconciliation;

/// <summary>
/// Every few minutes, compares the registry with what the promoter knows and starts what was missed: READY versions
/// without a promotion (attempt 0) and target aliases that moved. Its first pass only records the registry as the
/// baseline unless told to serve it. Replicas may both run it: what it starts converges on the same sagas.
/// </summary>
public sealed class RegistryReconciler(
    IServiceScopeFactory scopes,
    IBus bus,
    ModelPolicies policies,
    TriggerActivity activity,
    IOptions<ReconciliationSettings> options,
    TimeProvider time,
    ILogger<RegistryReconciler> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.LogInformation("Registry reconciliation is off ({Setting}=false): versions missed by webhooks and MinIO are not found",
                $"{ReconciliationSettings.Section}:{nameof(ReconciliationSettings.Enabled)}");
            return;
        }
        try
        {
            await Task.Delay(settings.FirstPassDelay, time, stoppingToken);
            using var timer = new PeriodicTimer(settings.Interval, time);
            do
            {
                try
                {
                    await PassAsync(settings, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next pass tries again; an outage of MLflow only delays what it finds.
                    logger.LogWarning("Registry reconciliation pass failed, next one in {Interval}: {Reason}", settings.Interval, TransientErrors.Classify(ex).Reason);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One pass over the registry.</summary>
    public async Task PassAsync(ReconciliationSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var scope = scopes.CreateAsyncScope();
        var mlflow = scope.ServiceProvider.GetRequiredService<IMlflowApi>();
        var catalog = scope.ServiceProvider.GetRequiredService<ISagaCatalog>();
        var recorded = await catalog.FindAsync(RegistryReconciliationStateMachine.Id, nameof(RegistryReconciliationState), cancellationToken);
        var firstPass = recorded is null;
        var baseline = firstPass && !settings.ServeExistingOnFirstPass;
        var known = recorded is null ? null : JsonSerializer.Deserialize<RegistryReconciliationState>(recorded.Data, Json);
        var highestVersions = new Dictionary<string, long>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);

        int versions = 0, started = 0, moved = 0;
        await foreach (var version in mlflow.SearchAllModelVersionsAsync(cancellationToken: cancellationToken))
        {
            if (version.Status != MlflowModelVersionStatus.Ready || PromotionRequestRules.Problem(version.Name, version.Version, null) is not null)
                continue;
            versions++;
            var number = long.Parse(version.Version, System.Globalization.CultureInfo.InvariantCulture);
            if (firstPass)
                highestVersions[version.Name] = Math.Max(number, highestVersions.GetValueOrDefault(version.Name));
            if (await catalog.FindAsync(PromotionIds.Automatic(version.Name, version.Version), nameof(PromotionState), cancellationToken) is not null)
                continue;
            // The first pass's trigger of this version may still be on its way: what the baseline holds stays the baseline.
            var inBaseline = baseline || (known is { BaselineServed: false } && known.BaselineHighestVersions.TryGetValue(version.Name, out var highest) && number <= highest);
            started++;
            await bus.Publish(new PromotionTriggered
            {
                FlowId = Guid.Empty,
                OccurredAt = time.GetUtcNow(),
                ModelName = version.Name,
                Version = version.Version,
                Trigger = PromotionTriggers.Reconciliation,
                RunId = version.RunId,
                Source = version.Source,
                Baseline = inBaseline,
            }, cancellationToken);
        }

        // What the read shows was true at some moment after this: an event stamped before it is not newer than the read.
        var readFrom = time.GetUtcNow();
        await foreach (var model in mlflow.SearchAllRegisteredModelsAsync(cancellationToken: cancellationToken))
        {
            if (PromotionRequestRules.Problem(model.Name, "1", null) is not null)
                continue;
            var alias = policies.For(model.Name).TargetAlias;
            var pointsAt = model.Aliases.FirstOrDefault(a => a.Alias == alias)?.Version;
            if (firstPass && pointsAt is not null)
                aliases[model.Name] = pointsAt;
            var follower = await catalog.FindAsync(RegistryAliasStateMachine.IdOf(model.Name, alias), nameof(RegistryAliasState), cancellationToken);
            var lastSeen = follower is null ? null : JsonSerializer.Deserialize<RegistryAliasState>(follower.Data, Json)?.LastSeenVersion;
            if (lastSeen == pointsAt)
                continue;
            // Not followed yet but where the baseline saw it: the first pass's observation is still on its way.
            if (follower is null && known is not null && pointsAt is not null && known.BaselineAliases.GetValueOrDefault(model.Name) == pointsAt)
                continue;
            moved++;
            await bus.Publish(new RegistryAliasObserved
            {
                FlowId = Guid.Empty,
                OccurredAt = time.GetUtcNow(),
                ModelName = model.Name,
                Alias = alias,
                Version = pointsAt,
                SeenAt = readFrom,
                Source = PromotionTriggers.Reconciliation,
                ObservationId = NewId.NextGuid(),
                Baseline = firstPass,
            }, cancellationToken);
        }

        if (firstPass)
            await bus.Publish(new RegistryBaselineRecorded
            {
                OccurredAt = time.GetUtcNow(),
                Versions = versions,
                Served = !baseline,
                HighestVersions = highestVersions,
                Aliases = aliases,
            }, cancellationToken);
        activity.Seen(PromotionTriggers.Reconciliation);
        var level = started > 0 || moved > 0 ? LogLevel.Information : LogLevel.Debug;
        logger.Log(level, "Registry reconciliation{First}: {Versions} READY versions, {Started} not known ({What}), {Moved} target aliases moved",
            firstPass ? " (first pass: the baseline)" : "", versions, started, baseline ? "recorded as the baseline" : "started", moved);
    }
}
