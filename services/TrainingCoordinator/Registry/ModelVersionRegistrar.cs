using System.Globalization;
using System.Net;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;
using Refit;

namespace Mlops.TrainingCoordinator.Registry;

/// <summary>
/// Makes sure a model version of the run exists and watches it become READY: the version the script registered (found by
/// <c>run_id</c>), or one the coordinator creates from the model the run logged: an MLflow 3 logged model
/// (<c>models:/m-&lt;id&gt;</c>, found through <c>logged-models/search</c>) or MLflow 2's <c>&lt;artifact_uri&gt;/model</c>.
/// </summary>
public sealed class ModelVersionRegistrar(IMlflowApi mlflow, TimeProvider time)
{
    private const string LoggedModelReady = "LOGGED_MODEL_READY";

    /// <summary>Sets the run's model version and source; a version that already failed registration is refused here.</summary>
    public async Task RegisterAsync(TrainingRunState saga, TrainingSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = saga.Plan!;
        var runId = saga.RunId!;
        var versions = new List<MlflowModelVersion>();
        await foreach (var version in mlflow.SearchAllModelVersionsAsync($"run_id='{runId}'", cancellationToken: cancellationToken))
            versions.Add(version);
        var candidates = versions.Where(v => v.Name == plan.ModelName && !saga.RejectedVersions.Contains(v.Version)).OrderByDescending(Number).ToList();

        MlflowModelVersion chosen;
        // Once a version failed registration the coordinator registers the run's model itself, whoever registered before.
        if (plan.ScriptRegistersModel && saga.RejectedVersions.Count == 0)
        {
            chosen = candidates.FirstOrDefault() ?? throw new TrainingRunException(NothingRegistered(plan.ModelName, runId, versions));
        }
        else
        {
            var trainingId = saga.CorrelationId.ToString("D");
            chosen = candidates.FirstOrDefault(v => v.Tags.Any(t => t.Key == MlflowTags.TrainingId && t.Value == trainingId))
                ?? await CreateAsync(saga, settings, cancellationToken);
        }
        saga.ModelVersion = chosen.Version;
        saga.ModelSource = chosen.Source;
        saga.LoggedModelId = chosen.ModelId ?? saga.LoggedModelId;
        saga.RegisteredAt ??= time.GetUtcNow();
        if (chosen.Status == MlflowModelVersionStatus.FailedRegistration)
            throw Failed(saga, chosen);
    }

    /// <summary>True once the version is READY; throws when it failed registration or stayed pending past the bound.</summary>
    public async Task<bool> IsReadyAsync(TrainingRunState saga, TrainingSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(settings);
        var version = (await mlflow.GetModelVersionAsync(saga.Plan!.ModelName, saga.ModelVersion!, cancellationToken)).ModelVersion;
        switch (version.Status)
        {
            case MlflowModelVersionStatus.Ready:
                saga.ModelSource = version.Source ?? saga.ModelSource;
                return true;
            case MlflowModelVersionStatus.FailedRegistration:
                throw Failed(saga, version);
        }
        var pendingFor = time.GetUtcNow() - (saga.RegisteredAt ?? time.GetUtcNow());
        if (pendingFor > settings.RegistrationTimeout)
        {
            throw new TrainingRunException(string.Create(CultureInfo.InvariantCulture,
                $"version {version.Version} of '{version.Name}' is still {version.Status} after {pendingFor.TotalMinutes:0} min: see the registry's server log"));
        }
        return false;
    }

    private async Task<MlflowModelVersion> CreateAsync(TrainingRunState saga, TrainingSettings settings, CancellationToken cancellationToken)
    {
        var plan = saga.Plan!;
        var (source, modelId) = await SourceAsync(saga, settings, cancellationToken);
        try
        {
            await mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = plan.ModelName }, cancellationToken);
        }
        catch (ApiException ex) when (ex.Is(MlflowErrorCode.ResourceAlreadyExists))
        {
            // Registered before: a new version of it is what is wanted.
        }
        return (await mlflow.CreateModelVersionAsync(new CreateModelVersionRequest
        {
            Name = plan.ModelName,
            Source = source,
            RunId = saga.RunId,
            ModelId = modelId,
            Tags =
            [
                new MlflowTag { Key = MlflowTags.FlowId, Value = saga.FlowId.ToString("D") },
                new MlflowTag { Key = MlflowTags.TrainingId, Value = saga.CorrelationId.ToString("D") },
                new MlflowTag { Key = MlflowTags.Stack, Value = plan.StackName },
            ],
        }, cancellationToken)).ModelVersion;
    }

    // MLflow 3 logs a model as its own entity; MLflow 2 (and a 3 that logged under the run) keeps it in the run's artifacts.
    private async Task<(string Source, string? ModelId)> SourceAsync(TrainingRunState saga, TrainingSettings settings, CancellationToken cancellationToken)
    {
        var logged = await LoggedModelsOfRunAsync(saga, cancellationToken);
        if (logged.Count > 0)
        {
            var ready = logged.FirstOrDefault(m => m.Info.Status == LoggedModelReady)
                ?? throw new TrainingRunException(
                    $"run {saga.RunId} logged model {logged[0].Info.ModelId}, which is {logged[0].Info.Status ?? "unknown"}, not {LoggedModelReady}: its upload did not finish");
            return ($"models:/{ready.Info.ModelId}", ready.Info.ModelId);
        }
        if (string.IsNullOrEmpty(saga.ArtifactUri))
            throw new TrainingRunException($"MLflow run {saga.RunId} has no artifact URI and logged no model: nothing to register");
        return ($"{saga.ArtifactUri.TrimEnd('/')}/{settings.ModelArtifactPath.Trim('/')}", null);
    }

    private async Task<IReadOnlyList<MlflowLoggedModel>> LoggedModelsOfRunAsync(TrainingRunState saga, CancellationToken cancellationToken)
    {
        try
        {
            var page = await mlflow.SearchLoggedModelsAsync(new SearchLoggedModelsRequest
            {
                ExperimentIds = [saga.ExperimentId!],
                Filter = $"source_run_id = '{saga.RunId}'",
                MaxResults = 50,
                OrderBy = [new LoggedModelOrder { FieldName = "creation_time", Ascending = false }],
            }, cancellationToken);
            return page.Models;
        }
        catch (ApiException ex) when ((ex.StatusCode == HttpStatusCode.NotFound && !ex.IsResourceDoesNotExist())
                                      || ex.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            // MLflow 2 has no logged models: the model is in the run's artifacts.
            return [];
        }
    }

    private static TrainingRunException Failed(TrainingRunState saga, MlflowModelVersion version)
    {
        if (!saga.RejectedVersions.Contains(version.Version))
            saga.RejectedVersions.Add(version.Version);
        var message = string.IsNullOrWhiteSpace(version.StatusMessage) ? "the registry gave no status message" : version.StatusMessage.Trim();
        return new TrainingRunException(
            $"version {version.Version} of '{version.Name}' ended {MlflowModelVersionStatus.FailedRegistration}: {message}; replay registers a new version");
    }

    private static string NothingRegistered(string model, string runId, IReadOnlyList<MlflowModelVersion> versions)
    {
        var others = versions.Where(v => v.Name != model).Select(v => $"'{v.Name}' version {v.Version}").Distinct().ToList();
        return others.Count > 0
            ? $"the script registered {string.Join(", ", others)} for run {runId}, not '{model}': give it --registered-model-name {model}, or let the coordinator register (ScriptRegistersModel false)"
            : $"run {runId} registered no version of '{model}', though the request says the script registers it: give it --registered-model-name {model}, or let the coordinator register (ScriptRegistersModel false)";
    }

    private static long Number(MlflowModelVersion version) =>
        long.TryParse(version.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
