using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Triggers;
using Mlops.ModelPromoter.Triggers.Minio;
using Refit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>The registry lookups of a run whose model MinIO reported: the run and its tags, its versions, and registering one.</summary>
public sealed class RunArtifactResolver(IMlflowApi mlflow, ExperimentModels experiments, TimeProvider time)
{
    /// <summary>Which run it is (a logged model's source run), whether the coordinator owns it, its flow and stack, and its experiment's mapping.</summary>
    public async Task ResolveAsync(RunArtifactState saga, RunArtifactSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(settings);
        if (saga.LoggedModelId is { } modelId)
        {
            var logged = await mlflow.FindLoggedModelAsync(modelId, cancellationToken)
                ?? throw new PromotionRefusedException($"MLflow knows no logged model {modelId}, whose MLmodel MinIO reported in {saga.Bucket}");
            if (!MlflowArtifactKey.IsRunId(logged.Info.SourceRunId))
                throw new PromotionRefusedException($"logged model {modelId} names no source run MLflow could have made ('{PromotionRequestRules.Printable(logged.Info.SourceRunId)}')");
            saga.RunId = logged.Info.SourceRunId;
        }
        var run = await mlflow.FindRunAsync(saga.RunId!, cancellationToken)
            ?? throw new PromotionRefusedException($"MLflow knows no run {saga.RunId}, whose MLmodel MinIO reported in {saga.Bucket}");
        string? Tag(string key) => run.Data.Tags.FirstOrDefault(t => t.Key == key)?.Value;
        saga.TrainingId = Tag(MlflowRunTags.TrainingId) is { Length: > 0 } training ? training : null;
        saga.RunFlowId = Guid.TryParse(Tag(MlflowRunTags.FlowId), out var flow) && flow != Guid.Empty ? flow : null;
        if (saga.RunFlowId is { } runFlow)
            saga.FlowId = runFlow;
        saga.ServingStack = Tag(MlflowRunTags.Stack) is { Length: > 0 } stack ? stack : saga.StackName;
        saga.MappedModel = saga.TrainingId is null ? await experiments.ModelForAsync(run.Info.ExperimentId, mlflow, cancellationToken) : null;
        var now = time.GetUtcNow();
        saga.FirstSeenAt ??= now;
        saga.RegisterAt = saga.FirstSeenAt + settings.RegistrationGrace;
        saga.WaitUntil = saga.FirstSeenAt + settings.VersionWaitTimeout;
    }

    /// <summary>
    /// The run's versions; none yet and the experiment mapped to a model past the grace: registers one when
    /// <paramref name="mayRegister"/>. Fills <see cref="RunArtifactState.Versions"/> (empty while the wait goes on).
    /// </summary>
    public async Task FindVersionsAsync(RunArtifactState saga, bool mayRegister, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        // The run id passed MlflowArtifactKey's pattern (32 hex digits), so it can stand in a filter string as it is.
        var found = new List<RunArtifactVersion>();
        await foreach (var version in mlflow.SearchAllModelVersionsAsync($"run_id='{saga.RunId}'", cancellationToken: cancellationToken))
        {
            if (version.Status != MlflowModelVersionStatus.FailedRegistration && (saga.LoggedModelId is null || MatchesLoggedModel(version, saga.LoggedModelId)))
                found.Add(new RunArtifactVersion(version.Name, version.Version, version.Source));
        }
        if (found.Count == 0 && mayRegister && saga.MappedModel is { } model && time.GetUtcNow() >= saga.RegisterAt)
        {
            found.Add(await RegisterAsync(saga, model, cancellationToken));
            saga.Registered = true;
        }
        saga.Versions = found;
    }

    private static bool MatchesLoggedModel(MlflowModelVersion version, string loggedModelId) =>
        version.ModelId == loggedModelId || version.Source == $"models:/{loggedModelId}";

    private async Task<RunArtifactVersion> RegisterAsync(RunArtifactState saga, string model, CancellationToken cancellationToken)
    {
        try
        {
            await mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = model }, cancellationToken);
        }
        catch (ApiException ex) when (ex.Is(MlflowErrorCode.ResourceAlreadyExists))
        {
            // Registered before, by a person or an earlier attempt of this step.
        }
        var source = saga.LoggedModelId is { } id
            ? $"models:/{id}"
            : $"s3://{saga.Bucket}/{saga.ExperimentId}/{saga.RunId}/artifacts/{saga.ArtifactPaths[0]}";
        var created = await mlflow.CreateModelVersionAsync(new CreateModelVersionRequest
        {
            Name = model,
            Source = source,
            RunId = saga.RunId,
            ModelId = saga.LoggedModelId,
            Description = $"Registered by the ModelPromoter from {saga.Bucket}/{saga.ObjectKeys.FirstOrDefault()}",
        }, cancellationToken);
        return new RunArtifactVersion(created.ModelVersion.Name, created.ModelVersion.Version, created.ModelVersion.Source);
    }
}
