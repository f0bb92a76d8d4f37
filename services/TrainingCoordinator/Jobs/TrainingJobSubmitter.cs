using System.Globalization;
using k8s;
using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Kubernetes.Models;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Jobs;

/// <summary>
/// Creates the Job (or Workflow) of a run's current attempt, and deletes a run's Jobs: the current one on cancel or when
/// its pod cannot start, earlier attempts' still running ones when a new attempt is submitted. Safe to repeat.
/// </summary>
public sealed class TrainingJobSubmitter(IKubernetesClient kubernetes)
{
    /// <summary>Names the current attempt's Job and creates it; a Job of that name this run made before (a lost answer) is taken as done.</summary>
    public async Task SubmitAsync(TrainingRunState saga, TrainingSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = saga.Plan!;
        var ns = saga.Target!.Namespace;
        saga.JobKind = plan.UsesArgo ? TrainingManifests.WorkflowKind : TrainingManifests.JobKind;
        saga.JobName = TrainingJobNames.For(plan.ModelName, saga.RunId!, saga.JobAttempt);
        foreach (var earlier in saga.EarlierJobs.Where(j => j != saga.JobName))
            await DeleteIfUnfinishedAsync(saga.JobKind, earlier, ns, cancellationToken);
        try
        {
            if (plan.UsesArgo)
                await kubernetes.CreateAsync(TrainingManifests.Workflow(saga, settings), cancellationToken);
            else
                await kubernetes.CreateAsync(TrainingManifests.Job(saga, settings), cancellationToken);
        }
        catch (KubernetesAlreadyExistsException)
        {
            var existing = plan.UsesArgo
                ? (await kubernetes.GetAsync<Workflow>(saga.JobName, ns, cancellationToken))?.Metadata
                : (await kubernetes.GetAsync<V1Job>(saga.JobName, ns, cancellationToken))?.Metadata;
            if (!IsOurs(existing, saga))
            {
                throw new TrainingRunException(
                    $"a {saga.JobKind} named {saga.JobName} already exists in namespace {ns} and is not this run's (attempt {saga.JobAttempt}): delete it, then replay");
            }
        }
    }

    /// <summary>Deletes the current attempt's Job or Workflow with background propagation (its pods go after it); false when it was gone.</summary>
    public Task<bool> DeleteCurrentAsync(TrainingRunState saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (saga.JobName is null || saga.Target is null)
            return Task.FromResult(false);
        return saga.JobKind == TrainingManifests.WorkflowKind
            ? kubernetes.DeleteAsync<Workflow>(saga.JobName, DeletePropagation.Background, saga.Target.Namespace, cancellationToken)
            : kubernetes.DeleteAsync<V1Job>(saga.JobName, DeletePropagation.Background, saga.Target.Namespace, cancellationToken);
    }

    private async Task DeleteIfUnfinishedAsync(string kind, string name, string ns, CancellationToken cancellationToken)
    {
        if (kind == TrainingManifests.WorkflowKind)
        {
            var workflow = await kubernetes.GetAsync<Workflow>(name, ns, cancellationToken);
            if (workflow is not null && !WorkflowPhase.IsFinal(workflow.Status?.Phase))
                await kubernetes.DeleteAsync<Workflow>(name, DeletePropagation.Background, ns, cancellationToken);
            return;
        }
        var job = await kubernetes.GetAsync<V1Job>(name, ns, cancellationToken);
        if (job is not null && !TrainingJobReading.IsFinished(job))
            await kubernetes.DeleteAsync<V1Job>(name, DeletePropagation.Background, ns, cancellationToken);
    }

    private static bool IsOurs(V1ObjectMeta? metadata, TrainingRunState saga) =>
        metadata?.Annotations is { } annotations
        && annotations.TryGetValue(TrainingLabels.SagaIdAnnotation, out var id) && id == saga.CorrelationId.ToString("D")
        && annotations.TryGetValue(TrainingLabels.AttemptAnnotation, out var attempt) && attempt == saga.JobAttempt.ToString(CultureInfo.InvariantCulture);
}
