using System.Globalization;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.TrainingCoordinator.Sagas;
using Refit;

namespace Mlops.TrainingCoordinator.Registry;

/// <summary>
/// The MLflow side of a run before and after its Job: the experiment (get or create), the run (found by its training id
/// tag, else created and tagged), and afterwards its final metrics. Every call is safe to repeat.
/// </summary>
public sealed class TrainingRunRecorder(IMlflowApi mlflow, TimeProvider time)
{
    /// <summary>Sets the run's experiment id, MLflow run id and artifact URI, creating what does not exist yet.</summary>
    public async Task EnsureRunAsync(TrainingRunState saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var plan = saga.Plan!;
        var experimentId = await EnsureExperimentAsync(plan.ExperimentName, cancellationToken);
        saga.ExperimentId = experimentId;

        // A run made by an earlier attempt of this step (whose answer was lost, or a replay) is this training's run.
        var trainingId = saga.CorrelationId.ToString("D");
        var found = await mlflow.SearchRunsAsync(new SearchRunsRequest
        {
            ExperimentIds = [experimentId],
            Filter = $"tags.`{MlflowTags.TrainingId}` = '{trainingId}'",
            RunViewType = "ALL",
            MaxResults = 1,
            OrderBy = ["start_time ASC"],
        }, cancellationToken);
        var run = (found.Runs.Count > 0 ? found.Runs[0] : null) ?? (await mlflow.CreateRunAsync(new CreateRunRequest
        {
            ExperimentId = experimentId,
            RunName = $"{plan.ModelName}-{trainingId[..8]}",
            StartTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Tags =
            [
                new MlflowTag { Key = MlflowTags.FlowId, Value = saga.FlowId.ToString("D") },
                new MlflowTag { Key = MlflowTags.TrainingId, Value = trainingId },
                new MlflowTag { Key = MlflowTags.Stack, Value = plan.StackName },
                new MlflowTag { Key = MlflowTags.Model, Value = plan.ModelName },
            ],
        }, cancellationToken)).Run;
        saga.RunId = run.Info.RunId;
        saga.ArtifactUri = run.Info.ArtifactUri;
    }

    /// <summary>Reads the run after its Job succeeded: its final metrics and artifact URI; a run the script left RUNNING is ended FINISHED.</summary>
    public async Task ReadFinishedRunAsync(TrainingRunState saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var run = (await mlflow.GetRunAsync(saga.RunId!, cancellationToken)).Run;
        saga.ArtifactUri = run.Info.ArtifactUri ?? saga.ArtifactUri;
        saga.Metrics = run.Data.Metrics
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last().Value, StringComparer.Ordinal);
        if (run.Info.Status is MlflowRunStatus.Failed or MlflowRunStatus.Killed)
        {
            throw new Training.TrainingRunException(
                $"the Job completed but MLflow run {saga.RunId} is {run.Info.Status}: the script reported a failure; see the run in MLflow");
        }
        if (run.Info.Status is MlflowRunStatus.Running or MlflowRunStatus.Scheduled)
        {
            // The process exited without ending its run (no end_run, killed after its last log): it is over.
            await mlflow.UpdateRunAsync(new UpdateRunRequest
            {
                RunId = saga.RunId!,
                Status = MlflowRunStatus.Finished,
                EndTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, cancellationToken);
        }
    }

    /// <summary>Ends the run FAILED when its Job failed without the script saying so (a pod that never started, a deadline); a replay's script resumes it.</summary>
    public async Task EndFailedRunAsync(TrainingRunState saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (saga.RunId is null || await mlflow.FindRunAsync(saga.RunId, cancellationToken) is not { } run)
            return;
        if (run.Info.Status is MlflowRunStatus.Running or MlflowRunStatus.Scheduled)
        {
            await mlflow.UpdateRunAsync(new UpdateRunRequest
            {
                RunId = saga.RunId,
                Status = MlflowRunStatus.Failed,
                EndTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, cancellationToken);
        }
    }

    private async Task<string> EnsureExperimentAsync(string name, CancellationToken cancellationToken)
    {
        if (await mlflow.FindExperimentByNameAsync(name, cancellationToken) is { } existing)
            return Active(existing);
        try
        {
            return (await mlflow.CreateExperimentAsync(new CreateExperimentRequest { Name = name }, cancellationToken)).ExperimentId;
        }
        catch (ApiException ex) when (ex.Is(MlflowErrorCode.ResourceAlreadyExists))
        {
            // Another run created it meanwhile.
            var created = await mlflow.FindExperimentByNameAsync(name, cancellationToken)
                ?? throw new Training.TrainingRunException($"MLflow says experiment '{name}' exists but does not find it by name");
            return Active(created);
        }
    }

    private static string Active(MlflowExperiment experiment) =>
        experiment.LifecycleStage == "deleted"
            ? throw new Training.TrainingRunException(string.Create(CultureInfo.InvariantCulture,
                $"experiment '{experiment.Name}' ({experiment.ExperimentId}) is deleted in MLflow: restore it, or train with another ExperimentName"))
            : experiment.ExperimentId;
}
