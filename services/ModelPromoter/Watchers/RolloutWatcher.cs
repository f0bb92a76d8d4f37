using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.SagaStore;

namespace Mlops.ModelPromoter.Watchers;

/// <summary>
/// Lists and watches the model-server Deployments the promoter manages (by label, in every namespace of
/// <see cref="ServingNamespaces"/>), applies kubectl's rollout rule to each change and publishes
/// <see cref="DeploymentRolloutObserved"/> to the Deployment's serving saga. Level-triggered: after a restart, an expired
/// watch or an error it lists again and reports what it finds, and every <see cref="ServingOptions.WatcherResync"/> it
/// reports again what it knows, so a report a saga missed is not lost. Peers (replicas) report the same; sagas ignore
/// what they already know.
/// </summary>
public sealed class RolloutWatcher(
    IKubernetesClient kubernetes,
    IBus bus,
    ServingNamespaces namespaces,
    IOptions<ServingOptions> options,
    IServiceProvider services,
    ILogger<RolloutWatcher> logger,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    // What was last reported per Deployment (namespace/uid), without its time.
    private readonly ConcurrentDictionary<string, DeploymentRolloutObserved> _reported = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        namespaces.Add(kubernetes.DefaultNamespace);
        foreach (var ns in settings.WatchNamespaces)
            namespaces.Add(ns);
        await AddRecordedNamespacesAsync(stoppingToken);

        var watches = new List<Task>();
        var resync = ResyncAsync(settings.WatcherResync, stoppingToken);
        try
        {
            await foreach (var ns in namespaces.AddedAsync(stoppingToken))
                watches.Add(WatchNamespaceAsync(ns, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(watches.Append(resync));
    }

    private async Task WatchNamespaceAsync(string ns, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var list = await kubernetes.ListAsync<V1Deployment>(ModelServerLabels.WatchSelector, ns, stoppingToken);
                var present = new HashSet<string>(StringComparer.Ordinal);
                foreach (var deployment in list.Items)
                {
                    present.Add(Key(deployment));
                    await ReportAsync(deployment, WatchEventType.Modified, stoppingToken);
                }
                // Gone while no watch ran (a restart, an expired watch): say so.
                foreach (var gone in _reported.Where(r => r.Value.Namespace == ns && !present.Contains(r.Key)).ToList())
                    await ReportDeletedAsync(gone.Value, stoppingToken);
                if (failing)
                    logger.LogInformation("Watching model-server Deployments in {Namespace} again", ns);
                failing = false;
                backoff = TimeSpan.FromSeconds(1);
                var resourceVersion = list.ResourceVersion;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await foreach (var change in kubernetes.WatchAsync<V1Deployment>(ModelServerLabels.WatchSelector, resourceVersion, ns, stoppingToken))
                    {
                        resourceVersion = change.ResourceVersion ?? resourceVersion;
                        if (change.Type != WatchEventType.Bookmark)
                            await ReportAsync(change.Object, change.Type, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesWatchExpiredException)
            {
                logger.LogDebug("The watch of model-server Deployments in {Namespace} expired; listing again", ns);
            }
            catch (Exception ex)
            {
                if (!failing)
                    logger.LogWarning(ex, "Watching model-server Deployments in {Namespace} failed ({Error}); trying again with backoff", ns, ex.Message);
                failing = true;
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task ReportAsync(V1Deployment deployment, WatchEventType type, CancellationToken cancellationToken)
    {
        if (SagaOf(deployment) is not { } sagaId || deployment.Metadata.Uid is not { } uid)
            return;
        var verdict = type == WatchEventType.Deleted ? new RolloutVerdict(RolloutStatus.Deleted, $"deployment \"{deployment.Metadata.Name}\" was deleted") : RolloutRule.Evaluate(deployment);
        var report = new DeploymentRolloutObserved
        {
            CorrelationId = sagaId,
            Namespace = deployment.Metadata.NamespaceProperty,
            DeploymentName = deployment.Metadata.Name,
            Uid = uid,
            Generation = deployment.Metadata.Generation ?? 0,
            ObservedGeneration = deployment.Status?.ObservedGeneration ?? 0,
            Status = verdict.Status,
            Message = verdict.Message,
            ModelVersion = Annotation(deployment, ModelServerLabels.ModelVersionAnnotation),
            ObservedAt = default,
        };
        var key = Key(deployment);
        if (verdict.Status == RolloutStatus.Deleted)
        {
            await ReportDeletedAsync(report, cancellationToken);
            return;
        }
        if (_reported.TryGetValue(key, out var last) && last == report)
            return;
        _reported[key] = report;
        await PublishAsync(report, cancellationToken);
    }

    private async Task ReportDeletedAsync(DeploymentRolloutObserved last, CancellationToken cancellationToken)
    {
        _reported.TryRemove($"{last.Namespace}/{last.Uid}", out _);
        await PublishAsync(last with
        {
            Status = RolloutStatus.Deleted,
            Message = $"deployment \"{last.DeploymentName}\" was deleted",
        }, cancellationToken);
    }

    private async Task PublishAsync(DeploymentRolloutObserved report, CancellationToken cancellationToken)
    {
        try
        {
            await bus.Publish(report with { ObservedAt = time.GetUtcNow() }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next resync reports it again.
            logger.LogWarning(ex, "Could not publish the rollout of {Namespace}/{Deployment}: {Error}", report.Namespace, report.DeploymentName, ex.Message);
        }
    }

    private async Task ResyncAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var report in _reported.Values.ToList())
                    await PublishAsync(report, stoppingToken);
                await AddRecordedNamespacesAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // The namespaces the serving sagas recorded, so a restarted watcher (or a peer) watches where rollouts run.
    private async Task AddRecordedNamespacesAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var scope = services.CreateAsyncScope();
            var catalog = scope.ServiceProvider.GetService(typeof(ISagaCatalog)) as ISagaCatalog;
            if (catalog is null)
                return;
            int? offset = 0;
            while (offset is { } at)
            {
                var page = await catalog.ListAsync(new SagaInstanceQuery { SagaType = nameof(ServingState), Offset = at, Limit = SagaInstanceQuery.MaxLimit }, cancellationToken);
                foreach (var record in page.Items)
                {
                    foreach (var ns in NamespacesIn(record.Data))
                        namespaces.Add(ns);
                }
                offset = page.NextOffset;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read the namespaces the serving sagas use: {Error}", ex.Message);
        }
    }

    private static List<string> NamespacesIn(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var found = new List<string>();
        if (root.TryGetProperty(nameof(ServingState.Placements), out var placements) && placements.ValueKind == JsonValueKind.Array)
        {
            found.AddRange(placements.EnumerateArray()
                .Select(p => p.TryGetProperty(nameof(ModelServerPlacement.Namespace), out var ns) ? ns.GetString() : null)
                .OfType<string>());
        }
        return found.Where(KubernetesNames.IsLabel).Distinct(StringComparer.Ordinal).ToList();
    }

    private static Guid? SagaOf(V1Deployment deployment) =>
        Annotation(deployment, ModelServerLabels.ServingSagaAnnotation) is { } text && Guid.TryParse(text, out var id) ? id : null;

    private static string? Annotation(V1Deployment deployment, string key) =>
        deployment.Metadata?.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private static string Key(V1Deployment deployment) => $"{deployment.Metadata.NamespaceProperty}/{deployment.Metadata.Uid}";
}
