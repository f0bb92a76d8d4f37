using Mlops.ServiceDefaults.Sagas;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Registry;
using Mlops.TrainingCoordinator.Training;
using Mlops.TrainingCoordinator.Watchers;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>
/// The outside calls of a training run, each a saga step (docs/saga-steps.md): retried at deadlines through outages,
/// failed with a reason, replayed from where it failed. Each reads only the instance and is safe to run again.
/// </summary>
public sealed class TrainingRunSteps
{
    public TrainingRunSteps(TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var deadline = settings.StepDeadline;

        // Forgets what an earlier wait learnt, so a replay after the stack failed asks afresh.
        WaitForStack = new SagaStep<TrainingRunState>("wait-for-stack", step =>
        {
            step.Saga.Stack = null;
            step.Saga.StackLastSeen = null;
            return Task.CompletedTask;
        }) { Deadline = deadline };

        CreateRun = new SagaStep<TrainingRunState>("create-run", async step =>
        {
            var saga = step.Saga;
            saga.Target = StackTarget.Of(saga.Stack!, saga.Plan!.Namespace, out var problem) ?? throw new TrainingRunException(problem!);
            await step.GetRequiredService<TrainingRunRecorder>().EnsureRunAsync(saga, step.CancellationToken);
        }) { Deadline = deadline };

        SubmitJob = new SagaStep<TrainingRunState>("submit-job", async step =>
        {
            // Watched before the Job exists, so its first status is not missed.
            step.GetRequiredService<WatchedNamespaces>().Add(step.Saga.Target!.Namespace);
            await step.GetRequiredService<TrainingJobSubmitter>().SubmitAsync(step.Saga, settings, step.CancellationToken);
            step.Saga.JobSubmittedAt = step.GetRequiredService<TimeProvider>().GetUtcNow();
            step.Saga.JobStatus = null;
            step.Saga.LogTail = [];
        }) { Deadline = deadline };

        ReadRun = new SagaStep<TrainingRunState>("read-run", step =>
            step.GetRequiredService<TrainingRunRecorder>().ReadFinishedRunAsync(step.Saga, step.CancellationToken)) { Deadline = deadline };

        RegisterModel = new SagaStep<TrainingRunState>("register-model", async step =>
        {
            var registrar = step.GetRequiredService<ModelVersionRegistrar>();
            await registrar.RegisterAsync(step.Saga, settings, step.CancellationToken);
            step.Saga.VersionReady = await registrar.IsReadyAsync(step.Saga, settings, step.CancellationToken);
        }) { Deadline = deadline };

        CheckVersion = new SagaStep<TrainingRunState>("check-version", async step =>
            step.Saga.VersionReady = await step.GetRequiredService<ModelVersionRegistrar>().IsReadyAsync(step.Saga, settings, step.CancellationToken))
        { Deadline = deadline };

        StopJob = new SagaStep<TrainingRunState>("stop-job", async step =>
        {
            if (step.Saga.StopDeletesJob)
                await step.GetRequiredService<TrainingJobSubmitter>().DeleteCurrentAsync(step.Saga, step.CancellationToken);
            await step.GetRequiredService<TrainingRunRecorder>().EndFailedRunAsync(step.Saga, step.CancellationToken);
        }) { Deadline = deadline };

        Cancel = new SagaStep<TrainingRunState>("cancel", step =>
            step.GetRequiredService<TrainingJobSubmitter>().DeleteCurrentAsync(step.Saga, step.CancellationToken)) { Deadline = deadline };
    }

    public SagaStep<TrainingRunState> WaitForStack { get; }

    /// <summary>The target namespace and Secret from the stack, the MLflow experiment and the tagged run.</summary>
    public SagaStep<TrainingRunState> CreateRun { get; }

    /// <summary>The Job or Workflow of the current attempt.</summary>
    public SagaStep<TrainingRunState> SubmitJob { get; }

    /// <summary>The finished run's metrics.</summary>
    public SagaStep<TrainingRunState> ReadRun { get; }

    /// <summary>The version the script registered, or one made from the logged model.</summary>
    public SagaStep<TrainingRunState> RegisterModel { get; }

    /// <summary>The version's status, until READY.</summary>
    public SagaStep<TrainingRunState> CheckVersion { get; }

    /// <summary>Before the run fails: deletes a Job whose pod cannot start, and ends the MLflow run FAILED if the script did not.</summary>
    public SagaStep<TrainingRunState> StopJob { get; }

    /// <summary>Deletes the Job on <c>CancelSaga</c>.</summary>
    public SagaStep<TrainingRunState> Cancel { get; }
}
