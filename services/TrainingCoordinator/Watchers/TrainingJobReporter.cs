using System.Collections.Concurrent;
using k8s.Models;
using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Watchers;

/// <summary>
/// Publishes what the watcher saw of a training Job or Workflow as <see cref="TrainingJobObserved"/>, once per change of
/// its phase and reason (a restart forgets and reports again: the runs ignore what they know), with the last lines of
/// the pod's log when it failed.
/// </summary>
public sealed class TrainingJobReporter(IBus bus, IKubernetesClient kubernetes, IOptions<TrainingSettings> settings, TimeProvider time,
    ILogger<TrainingJobReporter> logger)
{
    private readonly ConcurrentDictionary<string, string> _reported = new(StringComparer.Ordinal);

    /// <summary>Reports <paramref name="phase"/> of the object unless it was the last thing reported of it.</summary>
    public async Task ReportAsync(string kind, V1ObjectMeta metadata, string phase, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!TryRunOf(metadata, out var sagaId, out var flowId))
        {
            logger.LogDebug("{Kind} {Namespace}/{Name} carries the training label but no saga annotation; not reported", kind, metadata.NamespaceProperty, metadata.Name);
            return;
        }
        var key = Key(kind, metadata.NamespaceProperty, metadata.Name);
        var fingerprint = $"{phase}|{reason}";
        if (_reported.TryGetValue(key, out var last) && last == fingerprint)
            return;
        IReadOnlyList<string> tail = phase == TrainingJobPhase.Failed
            ? await LogTailAsync(kind, metadata.NamespaceProperty, metadata.Name, cancellationToken)
            : [];
        if (phase == TrainingJobPhase.Failed && tail.Count > 0 && reason is not null && !reason.Contains(tail[^1], StringComparison.Ordinal))
            reason = $"{reason}; the log ends: {tail[^1]}";
        await bus.Publish(new TrainingJobObserved
        {
            CorrelationId = sagaId,
            FlowId = flowId,
            OccurredAt = time.GetUtcNow(),
            Namespace = metadata.NamespaceProperty,
            JobName = metadata.Name,
            Kind = kind,
            Phase = phase,
            Reason = reason,
            LogTail = tail,
        }, cancellationToken);
        _reported[key] = fingerprint;
        logger.LogInformation("{Kind} {Namespace}/{Name} of training {TrainingId} is {Phase}{Reason}", kind, metadata.NamespaceProperty, metadata.Name,
            sagaId, phase, reason is null ? "" : ": " + reason);
    }

    /// <summary>
    /// Forgets what was said of a namespace's objects of one kind, so a relist says it all again: a report that met its run
    /// in an older state (on another replica, say) is not lost for good.
    /// </summary>
    public void Relisting(string kind, string ns)
    {
        var prefix = Key(kind, ns, "");
        foreach (var key in _reported.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            _reported.TryRemove(key, out _);
    }

    /// <summary>Reports the object gone and forgets it.</summary>
    public async Task ReportDeletedAsync(string kind, V1ObjectMeta metadata, CancellationToken cancellationToken)
    {
        await ReportAsync(kind, metadata, TrainingJobPhase.Deleted, $"{kind} {metadata.Name} was deleted from namespace {metadata.NamespaceProperty}", cancellationToken);
        _reported.TryRemove(Key(kind, metadata.NamespaceProperty, metadata.Name), out _);
    }

    /// <summary>The last lines of the newest pod's training container, or none (no pod, no log, no permission).</summary>
    public async Task<IReadOnlyList<string>> LogTailAsync(string kind, string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            var pods = await kubernetes.ListAsync<V1Pod>($"{TrainingJobReading.PodLabel(kind)}={name}", ns, cancellationToken);
            var pod = pods.Items.OrderByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).FirstOrDefault();
            if (pod is null)
                return [];
            var container = pod.Spec?.Containers?.Any(c => c.Name == TrainingJobReading.LogContainer(kind)) == true ? TrainingJobReading.LogContainer(kind) : null;
            var log = await kubernetes.ReadPodLogAsync(pod.Metadata.Name,
                new PodLogOptions { Container = container, TailLines = settings.Value.LogTailLines, LimitBytes = 64 * 1024 }, ns, cancellationToken);
            return (log ?? "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(settings.Value.LogTailLines).ToList();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogInformation("Could not read the log of {Kind} {Namespace}/{Name}: {Error}", kind, ns, name,
                Mlops.ServiceDefaults.Messaging.TransientErrors.Classify(ex).Reason);
            return [];
        }
    }

    private static bool TryRunOf(V1ObjectMeta metadata, out Guid sagaId, out Guid flowId)
    {
        flowId = Guid.Empty;
        sagaId = Guid.Empty;
        var annotations = metadata.Annotations;
        if (annotations is null || !annotations.TryGetValue(TrainingLabels.SagaIdAnnotation, out var id) || !Guid.TryParse(id, out sagaId))
            return false;
        if (annotations.TryGetValue(TrainingLabels.FlowIdAnnotation, out var flow))
            _ = Guid.TryParse(flow, out flowId);
        return true;
    }

    private static string Key(string kind, string ns, string name) => $"{kind}/{ns}/{name}";
}
