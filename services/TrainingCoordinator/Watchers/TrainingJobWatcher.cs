using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Kubernetes.Models;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Messaging;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Watchers;

/// <summary>
/// Lists and watches the training Jobs and Workflows this service manages (by label) in every watched namespace, and
/// reads the pods of unfinished ones to explain a stuck pod, publishing each status through <see cref="TrainingJobReporter"/>.
/// Level-triggered: at start, after a lost watch, a 410 and every resync interval it lists everything again.
/// </summary>
public sealed class TrainingJobWatcher(
    IKubernetesClient kubernetes,
    WatchedNamespaces namespaces,
    TrainingJobReporter reporter,
    ISagaCatalog catalog,
    IOptions<TrainingSettings> options,
    TimeProvider time,
    ILogger<TrainingJobWatcher> logger) : BackgroundService
{
    private readonly TrainingSettings _settings = options.Value;

    // Unfinished Jobs and Workflows by namespace, for the pod checks.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _unfinished = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var ns in _settings.Namespaces)
            namespaces.Add(ns);
        var watches = new List<Task> { RefreshNamespacesAsync(stoppingToken) };
        try
        {
            await foreach (var ns in namespaces.Added.ReadAllAsync(stoppingToken))
            {
                logger.LogInformation("Watching training Jobs{AndWorkflows} in namespace {Namespace}", _settings.WatchWorkflows ? " and Workflows" : "", ns);
                watches.Add(WatchAsync<V1Job>(ns, TrainingManifests.JobKind, stoppingToken));
                // Without the argo runner the Role grants nothing on workflows: asking would only be refused.
                if (_settings.WatchWorkflows)
                    watches.Add(WatchAsync<Workflow>(ns, TrainingManifests.WorkflowKind, stoppingToken));
                watches.Add(CheckPodsAsync(ns, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        await Task.WhenAll(watches);
    }

    // The namespaces of runs in flight (also those another replica submitted), read from the service's own saga store.
    private async Task RefreshNamespacesAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var state in TrainingRunStateMachine.StatesWithJobs)
                {
                    for (var offset = 0; ;)
                    {
                        var page = await catalog.ListAsync(new SagaInstanceQuery
                        {
                            SagaType = nameof(TrainingRunState),
                            State = state,
                            Offset = offset,
                            Limit = SagaInstanceQuery.MaxLimit,
                        }, stoppingToken);
                        foreach (var record in page.Items)
                        {
                            if (NamespaceOf(record.Data) is { } ns)
                                namespaces.Add(ns);
                        }
                        if (page.NextOffset is not { } next)
                            break;
                        offset = next;
                    }
                }
                await Task.Delay(_settings.ResyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Could not read the namespaces of the runs in flight: {Error}", ex.Message);
                await Delay(_settings.WatchRetryDelay, stoppingToken);
            }
        }
    }

    private async Task WatchAsync<T>(string ns, string kind, CancellationToken stoppingToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var failures = 0;
        var known = new Dictionary<string, V1ObjectMeta>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var list = await kubernetes.ListAsync<T>(TrainingLabels.Selector, ns, stoppingToken);
                reporter.Relisting(kind, ns);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in list.Items)
                {
                    seen.Add(item.Metadata.Name);
                    known[item.Metadata.Name] = item.Metadata;
                    await ObserveAsync(kind, item, stoppingToken);
                }
                // Gone while no watch was open: the list is the truth.
                foreach (var gone in known.Keys.Where(n => !seen.Contains(n)).ToList())
                {
                    await reporter.ReportDeletedAsync(kind, known[gone], stoppingToken);
                    Forget(ns, gone);
                    known.Remove(gone);
                }
                failures = 0;
                using var resync = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                resync.CancelAfter(_settings.ResyncInterval);
                try
                {
                    await foreach (var change in kubernetes.WatchAsync<T>(TrainingLabels.Selector, list.ResourceVersion, ns, resync.Token))
                    {
                        if (change.Type == WatchEventType.Bookmark)
                            continue;
                        if (change.Type == WatchEventType.Deleted)
                        {
                            await reporter.ReportDeletedAsync(kind, change.Object.Metadata, stoppingToken);
                            Forget(ns, change.Object.Metadata.Name);
                            known.Remove(change.Object.Metadata.Name);
                            continue;
                        }
                        known[change.Object.Metadata.Name] = change.Object.Metadata;
                        await ObserveAsync(kind, change.Object, stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (resync.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    // Time to list again.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesWatchExpiredException)
            {
                logger.LogInformation("The watch of {Kind}s in {Namespace} expired (410); listing again", kind, ns);
            }
            catch (Exception ex)
            {
                failures++;
                var delay = RetryDelay(failures);
                if (kind == TrainingManifests.WorkflowKind && ex is k8s.Autorest.HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound })
                {
                    // No Argo in this cluster: nothing to watch until someone installs it.
                    if (failures == 1)
                        logger.LogInformation("No Argo Workflows API (argoproj.io/v1alpha1 workflows) in namespace {Namespace}; the argo runner cannot be used there", ns);
                    delay = _settings.ResyncInterval;
                }
                else
                {
                    logger.LogWarning("Watching {Kind}s in {Namespace} failed ({Error}); listing again in {Delay}", kind, ns, TransientErrors.Classify(ex).Reason, delay);
                }
                await Delay(delay, stoppingToken);
            }
        }
    }

    private async Task ObserveAsync(string kind, IKubernetesObject<V1ObjectMeta> item, CancellationToken cancellationToken)
    {
        var ns = item.Metadata.NamespaceProperty;
        var outcome = item switch
        {
            V1Job job => TrainingJobReading.Outcome(job),
            Workflow workflow => TrainingJobReading.Outcome(workflow),
            _ => null,
        };
        var finished = outcome?.Phase is TrainingJobPhase.Succeeded or TrainingJobPhase.Failed;
        if (finished)
            Forget(ns, item.Metadata.Name);
        else
            _unfinished.GetOrAdd(ns, _ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal))[item.Metadata.Name] = kind;
        // A Job that has not started says nothing of its own: its pods do (CheckPodsAsync).
        if (outcome is { } known)
            await reporter.ReportAsync(kind, item.Metadata, known.Phase, known.Reason, cancellationToken);
    }

    // Pods say why an unfinished Job does not run: pulling, a missing Secret key, no node. One list per namespace per interval.
    private async Task CheckPodsAsync(string ns, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_settings.PodCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_unfinished.TryGetValue(ns, out var unfinished) || unfinished.IsEmpty)
                    continue;
                try
                {
                    var pods = await kubernetes.ListAsync<V1Pod>(TrainingLabels.Selector, ns, stoppingToken);
                    foreach (var (name, kind) in unfinished.ToArray())
                    {
                        var label = TrainingJobReading.PodLabel(kind);
                        var own = pods.Items.Where(p => p.Metadata.Labels?.TryGetValue(label, out var value) == true && value == name).ToList();
                        if (TrainingJobReading.FromPods(kind, name, own, _settings, time.GetUtcNow()) is not { } outcome || own.Count == 0)
                            continue;
                        await reporter.ReportAsync(kind, MetadataOf(own[0], name), outcome.Phase, outcome.Reason, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Reading the training pods in {Namespace} failed: {Error}", ns, TransientErrors.Classify(ex).Reason);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // The pod carries its Job's annotations (the template's), so it names the run as the Job does.
    private static V1ObjectMeta MetadataOf(V1Pod pod, string jobName) => new()
    {
        Name = jobName,
        NamespaceProperty = pod.Metadata.NamespaceProperty,
        Annotations = pod.Metadata.Annotations,
    };

    private void Forget(string ns, string name)
    {
        if (_unfinished.TryGetValue(ns, out var unfinished))
            unfinished.TryRemove(name, out _);
    }

    private TimeSpan RetryDelay(int failures)
    {
        var delay = TimeSpan.FromTicks(_settings.WatchRetryDelay.Ticks * (1L << Math.Min(failures - 1, 6)));
        return delay < _settings.ResyncInterval ? delay : _settings.ResyncInterval;
    }

    private async Task Delay(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static string? NamespaceOf(string document)
    {
        using var json = JsonDocument.Parse(document);
        return json.RootElement.TryGetProperty(nameof(TrainingRunState.Target), out var target) && target.ValueKind == JsonValueKind.Object
               && target.TryGetProperty(nameof(StackTarget.Namespace), out var ns) && ns.GetString() is { Length: > 0 } name
            ? name
            : null;
    }
}
