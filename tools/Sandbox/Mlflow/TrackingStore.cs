using System.Globalization;

namespace Mlops.Sandbox.Mlflow;

/// <summary>Experiments and runs of the MLflow stand-in, in memory, with MLflow's validation and error messages.</summary>
public sealed class TrackingStore
{
    private static readonly string[] s_runStatuses = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];
    private static readonly string[] s_adjectives = ["bold", "calm", "eager", "gentle", "keen", "lucid", "merry", "nimble", "quiet", "swift"];
    private static readonly string[] s_animals = ["owl", "fox", "lynx", "otter", "heron", "ibex", "koala", "panda", "wolf", "yak"];
    private static readonly HashSet<string> s_runOrderFields = new(StringComparer.Ordinal) { "start_time", "end_time", "run_name", "status", "run_id" };
    private static readonly HashSet<string> s_loggedModelOrderFields = new(StringComparer.Ordinal) { "creation_timestamp", "creation_time", "last_updated_timestamp", "name", "model_id" };

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly string _defaultArtifactRoot;
    private readonly Dictionary<string, Experiment> _experiments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoggedModel> _loggedModels = new(StringComparer.Ordinal);
    private int _lastExperimentId;

    public TrackingStore(TimeProvider time, string defaultArtifactRoot)
    {
        _time = time;
        _defaultArtifactRoot = defaultArtifactRoot.TrimEnd('/');
        var now = Now;
        // MLflow servers start with experiment 0, "Default".
        _experiments["0"] = new Experiment
        {
            ExperimentId = "0",
            Name = "Default",
            ArtifactLocation = $"{_defaultArtifactRoot}/0",
            CreationTime = now,
            LastUpdateTime = now,
        };
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public Experiment CreateExperiment(string name, string? artifactLocation, IReadOnlyDictionary<string, string> tags)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw MlflowException.InvalidParameter("Invalid experiment name: ''. Expected a non-empty string.");
        lock (_gate)
        {
            if (_experiments.Values.Any(e => e.Name == name))
                throw MlflowException.AlreadyExists($"Experiment '{name}' already exists.");
            var id = (++_lastExperimentId).ToString(CultureInfo.InvariantCulture);
            var now = Now;
            var experiment = new Experiment
            {
                ExperimentId = id,
                Name = name,
                ArtifactLocation = string.IsNullOrEmpty(artifactLocation) ? $"{_defaultArtifactRoot}/{id}" : artifactLocation,
                CreationTime = now,
                LastUpdateTime = now,
            };
            foreach (var (key, value) in tags)
                experiment.Tags[key] = value;
            _experiments[id] = experiment;
            return experiment;
        }
    }

    public Experiment GetExperiment(string experimentId)
    {
        lock (_gate)
            return _experiments.GetValueOrDefault(experimentId)
                ?? throw MlflowException.NotFound($"No Experiment with id={experimentId} exists");
    }

    public Experiment GetExperimentByName(string name)
    {
        lock (_gate)
            return _experiments.Values.FirstOrDefault(e => e.Name == name && e.LifecycleStage == "active")
                ?? throw MlflowException.NotFound($"Could not find experiment with name {name}");
    }

    public IReadOnlyList<Experiment> Experiments()
    {
        lock (_gate)
            return _experiments.Values.OrderBy(e => int.Parse(e.ExperimentId, CultureInfo.InvariantCulture)).ToList();
    }

    public Run CreateRun(string experimentId, string? runName, string? userId, long? startTime, IReadOnlyDictionary<string, string> tags)
    {
        lock (_gate)
        {
            var experiment = GetExperiment(experimentId);
            if (experiment.LifecycleStage != "active")
                throw MlflowException.InvalidParameter($"The experiment {experimentId} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            var runId = Guid.NewGuid().ToString("N");
            var name = !string.IsNullOrEmpty(runName) ? runName
                : tags.TryGetValue("mlflow.runName", out var tagged) ? tagged
                : GenerateRunName();
            var run = new Run
            {
                RunId = runId,
                ExperimentId = experimentId,
                RunName = name,
                UserId = userId ?? "",
                StartTime = startTime ?? Now,
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/{runId}/artifacts",
            };
            foreach (var (key, value) in tags)
                run.Tags[key] = value;
            run.Tags["mlflow.runName"] = name;
            if (!string.IsNullOrEmpty(userId))
                run.Tags["mlflow.user"] = userId;
            _runs[runId] = run;
            return run;
        }
    }

    /// <summary>Starts an MLflow 3 logged model (PENDING until finalized); its artifacts go under the experiment's <c>models/&lt;id&gt;/artifacts</c>.</summary>
    public LoggedModel CreateLoggedModel(string experimentId, string? name, string? sourceRunId, string? modelType,
        IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> tags)
    {
        lock (_gate)
        {
            var experiment = GetExperiment(experimentId);
            if (!string.IsNullOrEmpty(sourceRunId))
                GetRun(sourceRunId);
            var modelId = "m-" + Guid.NewGuid().ToString("N");
            var now = Now;
            var model = new LoggedModel
            {
                ModelId = modelId,
                ExperimentId = experimentId,
                Name = string.IsNullOrEmpty(name) ? GenerateRunName() : name,
                ArtifactLocation = $"{experiment.ArtifactLocation.TrimEnd('/')}/models/{modelId}/artifacts",
                SourceRunId = sourceRunId ?? "",
                ModelType = modelType ?? "",
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
            };
            foreach (var (key, value) in parameters)
                model.Params[key] = value;
            foreach (var (key, value) in tags)
                model.Tags[key] = value;
            _loggedModels[modelId] = model;
            return model;
        }
    }

    /// <summary>MLflow 3's <c>logged-models/search</c>: the experiments' logged models matching the filter, newest first unless ordered.</summary>
    public IReadOnlyList<LoggedModel> SearchLoggedModels(IReadOnlyCollection<string> experimentIds, SearchFilter filter, IEnumerable<string>? orderBy)
    {
        if (experimentIds.Count == 0)
            throw MlflowException.InvalidParameter("Missing value for required parameter 'experiment_ids'.");
        lock (_gate)
        {
            var candidates = _loggedModels.Values
                .Where(m => experimentIds.Contains(m.ExperimentId))
                .Where(m => filter.Matches(field => LoggedModelField(m, field)));
            return SearchOrder.Apply(candidates, orderBy, LoggedModelField,
                Comparer<LoggedModel>.Create((a, b) => b.CreationTimestamp != a.CreationTimestamp ? b.CreationTimestamp.CompareTo(a.CreationTimestamp) : string.CompareOrdinal(a.ModelId, b.ModelId)),
                s_loggedModelOrderFields);
        }
    }

    private static object? LoggedModelField(LoggedModel model, string field)
    {
        if (field.StartsWith("tags.", StringComparison.Ordinal))
            return model.Tags.GetValueOrDefault(field[5..]);
        if (field.StartsWith("params.", StringComparison.Ordinal))
            return model.Params.GetValueOrDefault(field[7..]);
        return field switch
        {
            "model_id" => model.ModelId,
            "name" => model.Name,
            "status" => model.Status,
            "model_type" => model.ModelType,
            "source_run_id" => model.SourceRunId,
            "creation_timestamp" or "creation_time" => model.CreationTimestamp,
            "last_updated_timestamp" => model.LastUpdatedTimestamp,
            _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{field}' specified."),
        };
    }

    public LoggedModel GetLoggedModel(string modelId)
    {
        lock (_gate)
            return _loggedModels.GetValueOrDefault(modelId) ?? throw MlflowException.NotFound($"Logged model with ID '{modelId}' not found.");
    }

    /// <summary>Sets the status a finished upload reports: LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.</summary>
    public LoggedModel FinalizeLoggedModel(string modelId, string status)
    {
        if (status is not (LoggedModel.Ready or LoggedModel.UploadFailed))
            throw MlflowException.InvalidParameter($"Invalid value \"{status}\" for parameter 'status' supplied.");
        lock (_gate)
        {
            var model = GetLoggedModel(modelId);
            model.Status = status;
            model.LastUpdatedTimestamp = Now;
            return model;
        }
    }

    public Run GetRun(string runId)
    {
        lock (_gate)
            return _runs.GetValueOrDefault(runId) ?? throw MlflowException.NotFound($"Run with id={runId} not found");
    }

    public Run UpdateRun(string runId, string? status, long? endTime, string? runName)
    {
        if (status is not null && !s_runStatuses.Contains(status))
            throw MlflowException.InvalidParameter($"Invalid value \"{status}\" for parameter 'status' supplied.");
        lock (_gate)
        {
            var run = ActiveRun(runId);
            if (status is not null)
                run.Status = status;
            if (endTime is not null)
                run.EndTime = endTime;
            else if (status is "FINISHED" or "FAILED" or "KILLED")
                run.EndTime ??= Now;
            if (!string.IsNullOrEmpty(runName))
            {
                run.RunName = runName;
                run.Tags["mlflow.runName"] = runName;
            }
            return run;
        }
    }

    public void DeleteRun(string runId)
    {
        lock (_gate)
            GetRun(runId).LifecycleStage = "deleted";
    }

    public void LogBatch(string runId, IEnumerable<Metric> metrics, IEnumerable<KeyValuePair<string, string>> parameters, IEnumerable<KeyValuePair<string, string>> tags)
    {
        lock (_gate)
        {
            var run = ActiveRun(runId);
            var newParams = parameters.ToList();
            // MLflow checks every param before writing any: a batch is all or nothing.
            foreach (var (key, value) in newParams)
            {
                ValidateKey(key, "param");
                if (run.Params.TryGetValue(key, out var existing) && existing != value)
                    throw MlflowException.InvalidParameter(
                        $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{runId}'. Attempted logging new value '{value}'.");
            }
            var newMetrics = metrics.ToList();
            foreach (var metric in newMetrics)
                ValidateKey(metric.Key, "metric");
            foreach (var (key, value) in newParams)
                run.Params[key] = value;
            run.MetricHistory.AddRange(newMetrics);
            foreach (var (key, value) in tags)
            {
                ValidateKey(key, "tag");
                run.Tags[key] = value;
            }
        }
    }

    public void DeleteTag(string runId, string key)
    {
        lock (_gate)
        {
            var run = ActiveRun(runId);
            if (!run.Tags.Remove(key))
                throw MlflowException.NotFound($"No tag with name: {key} in run with id {runId}");
        }
    }

    public IReadOnlyList<Metric> MetricHistory(string runId, string metricKey)
    {
        lock (_gate)
            return GetRun(runId).MetricHistory.Where(m => m.Key == metricKey).OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ToList();
    }

    /// <summary>Runs of the given experiments that match the filter, newest first unless ordered otherwise.</summary>
    public IReadOnlyList<Run> SearchRuns(IReadOnlyCollection<string> experimentIds, SearchFilter filter, string runViewType, IEnumerable<string>? orderBy)
    {
        lock (_gate)
        {
            var candidates = _runs.Values
                .Where(r => experimentIds.Contains(r.ExperimentId))
                .Where(r => runViewType switch
                {
                    "ALL" => true,
                    "DELETED_ONLY" => r.LifecycleStage == "deleted",
                    _ => r.LifecycleStage == "active",
                })
                .Where(r => filter.Matches(field => RunField(r, field)));
            return SearchOrder.Apply(candidates, orderBy, RunField,
                Comparer<Run>.Create((a, b) => b.StartTime != a.StartTime ? b.StartTime.CompareTo(a.StartTime) : string.CompareOrdinal(a.RunId, b.RunId)),
                s_runOrderFields);
        }
    }

    private static object? RunField(Run run, string field)
    {
        if (field.StartsWith("tags.", StringComparison.Ordinal))
            return run.Tags.GetValueOrDefault(field[5..]);
        if (field.StartsWith("params.", StringComparison.Ordinal))
            return run.Params.GetValueOrDefault(field[7..]);
        if (field.StartsWith("metrics.", StringComparison.Ordinal))
            return run.LatestMetrics.FirstOrDefault(m => m.Key == field[8..])?.Value;
        return field switch
        {
            "run_id" or "run_uuid" => run.RunId,
            "run_name" => run.RunName,
            "status" => run.Status,
            "start_time" => run.StartTime,
            "end_time" => run.EndTime,
            "user_id" => run.UserId,
            "artifact_uri" => run.ArtifactUri,
            "experiment_id" => run.ExperimentId,
            _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{field}' specified."),
        };
    }

    private Run ActiveRun(string runId)
    {
        var run = GetRun(runId);
        if (run.LifecycleStage != "active")
            throw MlflowException.InvalidParameter($"The run {runId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
        return run;
    }

    private static void ValidateKey(string key, string what)
    {
        if (string.IsNullOrEmpty(key))
            throw MlflowException.InvalidParameter($"Invalid {what} name: ''. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).");
    }

    private static string GenerateRunName()
    {
        var random = Random.Shared;
        return $"{s_adjectives[random.Next(s_adjectives.Length)]}-{s_animals[random.Next(s_animals.Length)]}-{random.Next(1000).ToString(CultureInfo.InvariantCulture)}";
    }
}
