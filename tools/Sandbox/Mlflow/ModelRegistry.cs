using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>
/// The model registry of the MLflow stand-in: registered models, versions, stages, aliases and tags, with MLflow's
/// validation and messages. New versions are PENDING_REGISTRATION, then READY after the configured delay, or
/// FAILED_REGISTRATION when created with the tag <see cref="FailRegistrationTag"/> = <c>true</c>.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    /// <summary>A model version created with this tag set to <c>true</c> ends in FAILED_REGISTRATION.</summary>
    public const string FailRegistrationTag = "sandbox.fail_registration";

    private static readonly string[] s_stages = ["None", "Staging", "Production", "Archived"];
    private static readonly HashSet<string> s_modelOrderFields = new(StringComparer.Ordinal) { "name", "creation_timestamp", "last_updated_timestamp", "timestamp" };
    private static readonly HashSet<string> s_versionOrderFields = new(StringComparer.Ordinal) { "name", "version_number", "creation_timestamp", "last_updated_timestamp", "run_id", "source", "status", "current_stage" };

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly MlflowOptions _options;
    private readonly WebhookDispatcher _webhooks;
    private readonly Dictionary<string, RegisteredModel> _models = new(StringComparer.Ordinal);
    private readonly List<ITimer> _registrations = [];

    public ModelRegistry(TimeProvider time, MlflowOptions options, WebhookDispatcher webhooks)
    {
        _time = time;
        _options = options;
        _webhooks = webhooks;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public RegisteredModel CreateRegisteredModel(string name, IReadOnlyDictionary<string, string> tags, string? description)
    {
        RequireName(name);
        RegisteredModel model;
        lock (_gate)
        {
            if (_models.ContainsKey(name))
                throw MlflowException.AlreadyExists($"Registered Model (name={name}) already exists.");
            var now = Now;
            model = new RegisteredModel { Name = name, CreationTimestamp = now, LastUpdatedTimestamp = now, Description = description ?? "" };
            foreach (var (key, value) in tags)
                model.Tags[key] = value;
            _models[name] = model;
        }
        _webhooks.Publish(WebhookEvent.RegisteredModelCreated, new JsonObject
        {
            ["name"] = name,
            ["tags"] = MlflowJson.TagMap(model.Tags),
            ["description"] = string.IsNullOrEmpty(description) ? null : description,
        });
        return model;
    }

    public RegisteredModel GetRegisteredModel(string name)
    {
        RequireName(name);
        lock (_gate)
            return _models.GetValueOrDefault(name) ?? throw MlflowException.NotFound($"Registered Model with name={name} not found");
    }

    public IReadOnlyList<RegisteredModel> SearchRegisteredModels(SearchFilter filter, IEnumerable<string>? orderBy)
    {
        lock (_gate)
        {
            var matching = _models.Values.Where(m => filter.Matches(field => field switch
            {
                "name" => m.Name,
                _ when field.StartsWith("tags.", StringComparison.Ordinal) => m.Tags.GetValueOrDefault(field[5..]),
                _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{field}' specified. Valid keys are '{{'name'}}'"),
            }));
            return SearchOrder.Apply(matching, orderBy, (m, field) => field switch
            {
                "name" => m.Name,
                "creation_timestamp" => m.CreationTimestamp,
                _ => m.LastUpdatedTimestamp,
            }, Comparer<RegisteredModel>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name)), s_modelOrderFields);
        }
    }

    public RegisteredModel UpdateRegisteredModel(string name, string? description)
    {
        lock (_gate)
        {
            var model = GetRegisteredModel(name);
            if (description is not null)
                model.Description = description;
            model.LastUpdatedTimestamp = Now;
            return model;
        }
    }

    public RegisteredModel RenameRegisteredModel(string name, string newName)
    {
        RequireName(newName);
        lock (_gate)
        {
            var model = GetRegisteredModel(name);
            if (_models.ContainsKey(newName))
                throw MlflowException.AlreadyExists($"Registered Model (name={newName}) already exists.");
            _models.Remove(name);
            model.Name = newName;
            model.LastUpdatedTimestamp = Now;
            _models[newName] = model;
            return model;
        }
    }

    public void DeleteRegisteredModel(string name)
    {
        lock (_gate)
            _models.Remove(GetRegisteredModel(name).Name);
    }

    public IReadOnlyList<ModelVersion> GetLatestVersions(string name, IReadOnlyCollection<string> stages)
    {
        foreach (var stage in stages)
            CanonicalStage(stage);
        lock (_gate)
            return GetRegisteredModel(name).LatestVersions(stages).ToList();
    }

    public void SetRegisteredModelTag(string name, string key, string value)
    {
        RequireKey(key);
        lock (_gate)
        {
            var model = GetRegisteredModel(name);
            model.Tags[key] = value;
            model.LastUpdatedTimestamp = Now;
        }
    }

    public void DeleteRegisteredModelTag(string name, string key)
    {
        lock (_gate)
            GetRegisteredModel(name).Tags.Remove(key);
    }

    public ModelVersion CreateModelVersion(string name, string source, string? runId, IReadOnlyDictionary<string, string> tags, string? runLink, string? description,
        LoggedModel? loggedModel = null)
    {
        if (string.IsNullOrEmpty(source))
            throw MlflowException.MissingParameter("source");
        ModelVersion version;
        lock (_gate)
        {
            var model = GetRegisteredModel(name);
            var now = Now;
            version = new ModelVersion
            {
                Model = model,
                Version = ++model.LastVersionNumber,
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
                Source = source,
                RunId = runId ?? "",
                RunLink = runLink ?? "",
                Description = description ?? "",
                ModelId = loggedModel?.ModelId ?? "",
                StorageLocation = loggedModel?.ArtifactLocation ?? source,
            };
            foreach (var (key, value) in tags)
                version.Tags[key] = value;
            model.Versions.Add(version);
            model.LastUpdatedTimestamp = now;
            ScheduleRegistration(version);
        }
        _webhooks.Publish(WebhookEvent.ModelVersionCreated, new JsonObject
        {
            ["name"] = name,
            ["version"] = version.VersionText,
            ["source"] = source,
            ["run_id"] = string.IsNullOrEmpty(runId) ? null : runId,
            ["tags"] = MlflowJson.TagMap(version.Tags),
            ["description"] = string.IsNullOrEmpty(description) ? null : description,
        });
        return version;
    }

    public ModelVersion GetModelVersion(string name, string version)
    {
        var number = VersionNumber(version);
        lock (_gate)
        {
            var model = _models.GetValueOrDefault(name);
            return model?.Versions.FirstOrDefault(v => v.Version == number)
                ?? throw MlflowException.NotFound($"Model Version (name={name}, version={version}) not found");
        }
    }

    public IReadOnlyList<ModelVersion> SearchModelVersions(SearchFilter filter, IEnumerable<string>? orderBy)
    {
        lock (_gate)
        {
            var matching = _models.Values.SelectMany(m => m.Versions).Where(v => filter.Matches(field => field switch
            {
                "name" => v.Model.Name,
                "run_id" => v.RunId,
                "source" or "source_path" => v.Source,
                "version_number" => (double)v.Version,
                "status" => v.Status,
                "current_stage" => v.CurrentStage,
                _ when field.StartsWith("tags.", StringComparison.Ordinal) => v.Tags.GetValueOrDefault(field[5..]),
                _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{field}' specified."),
            }));
            return SearchOrder.Apply(matching, orderBy, (v, field) => field switch
            {
                "name" => v.Model.Name,
                "version_number" => v.Version,
                "creation_timestamp" => v.CreationTimestamp,
                "run_id" => v.RunId,
                "source" => v.Source,
                "status" => v.Status,
                "current_stage" => v.CurrentStage,
                _ => v.LastUpdatedTimestamp,
            }, Comparer<ModelVersion>.Create((a, b) =>
            {
                var byName = string.CompareOrdinal(a.Model.Name, b.Model.Name);
                return byName != 0 ? byName : b.Version.CompareTo(a.Version);
            }), s_versionOrderFields);
        }
    }

    public ModelVersion TransitionStage(string name, string version, string stage, bool archiveExistingVersions)
    {
        var canonical = CanonicalStage(stage);
        lock (_gate)
        {
            var target = GetModelVersion(name, version);
            var now = Now;
            if (archiveExistingVersions && canonical is "Staging" or "Production")
            {
                foreach (var other in target.Model.Versions.Where(v => v != target && v.CurrentStage == canonical))
                {
                    other.CurrentStage = "Archived";
                    other.LastUpdatedTimestamp = now;
                }
            }
            target.CurrentStage = canonical;
            target.LastUpdatedTimestamp = now;
            return target;
        }
    }

    public ModelVersion UpdateModelVersion(string name, string version, string? description)
    {
        lock (_gate)
        {
            var target = GetModelVersion(name, version);
            if (description is not null)
                target.Description = description;
            target.LastUpdatedTimestamp = Now;
            return target;
        }
    }

    public void DeleteModelVersion(string name, string version)
    {
        lock (_gate)
        {
            var target = GetModelVersion(name, version);
            target.Model.Versions.Remove(target);
            foreach (var alias in target.Model.Aliases.Where(a => a.Value == target.Version).Select(a => a.Key).ToList())
                target.Model.Aliases.Remove(alias);
        }
    }

    public void SetModelVersionTag(string name, string version, string key, string value)
    {
        RequireKey(key);
        lock (_gate)
        {
            var target = GetModelVersion(name, version);
            target.Tags[key] = value;
            target.LastUpdatedTimestamp = Now;
        }
        _webhooks.Publish(WebhookEvent.ModelVersionTagSet, new JsonObject { ["name"] = name, ["version"] = version, ["key"] = key, ["value"] = value });
    }

    public void DeleteModelVersionTag(string name, string version, string key)
    {
        lock (_gate)
            GetModelVersion(name, version).Tags.Remove(key);
        _webhooks.Publish(WebhookEvent.ModelVersionTagDeleted, new JsonObject { ["name"] = name, ["version"] = version, ["key"] = key });
    }

    public void SetAlias(string name, string alias, string version)
    {
        RequireAlias(alias);
        lock (_gate)
        {
            var target = GetModelVersion(name, version);
            target.Model.Aliases[alias] = target.Version;
            target.Model.LastUpdatedTimestamp = Now;
        }
        _webhooks.Publish(WebhookEvent.ModelVersionAliasCreated, new JsonObject { ["name"] = name, ["alias"] = alias, ["version"] = version });
    }

    public void DeleteAlias(string name, string alias)
    {
        lock (_gate)
        {
            var model = GetRegisteredModel(name);
            model.Aliases.Remove(alias);
            model.LastUpdatedTimestamp = Now;
        }
        _webhooks.Publish(WebhookEvent.ModelVersionAliasDeleted, new JsonObject { ["name"] = name, ["alias"] = alias });
    }

    public ModelVersion GetModelVersionByAlias(string name, string alias)
    {
        lock (_gate)
        {
            var model = GetRegisteredModel(name);
            if (!model.Aliases.TryGetValue(alias, out var number))
                throw MlflowException.NotFound($"Registered model alias {alias} not found.");
            return model.Versions.First(v => v.Version == number);
        }
    }

    private void ScheduleRegistration(ModelVersion version)
    {
        var fails = version.Tags.TryGetValue(FailRegistrationTag, out var flag) && string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            lock (_gate)
            {
                version.Status = fails ? ModelVersionStatus.FailedRegistration : ModelVersionStatus.Ready;
                version.StatusMessage = fails ? $"Registration of {version.Model.Name} version {version.VersionText} failed (requested with tag {FailRegistrationTag})." : "";
                version.LastUpdatedTimestamp = Now;
                _registrations.Remove(timer!);
            }
            timer!.Dispose();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _registrations.Add(timer);
        timer.Change(_options.ModelVersionReadyDelay, Timeout.InfiniteTimeSpan);
    }

    private static string CanonicalStage(string stage) =>
        s_stages.FirstOrDefault(s => string.Equals(s, stage, StringComparison.OrdinalIgnoreCase))
        ?? throw MlflowException.InvalidParameter($"Invalid Model Version stage: {stage}. Value must be one of None, Staging, Production, Archived.");

    private static int VersionNumber(string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw MlflowException.InvalidParameter($"Parameter 'version' must be an integer, got '{version}'.");

    private static void RequireName(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw MlflowException.MissingParameter("name");
    }

    private static void RequireKey(string key)
    {
        if (string.IsNullOrEmpty(key))
            throw MlflowException.MissingParameter("key");
    }

    // MLflow reserves "latest" and version-like names ("v1") so that models:/name@alias stays unambiguous.
    private static void RequireAlias(string alias)
    {
        if (string.IsNullOrEmpty(alias))
            throw MlflowException.MissingParameter("alias");
        if (string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase)
            || (alias.Length > 1 && alias[0] is 'v' or 'V' && alias[1..].All(char.IsAsciiDigit)))
            throw MlflowException.InvalidParameter($"'{alias}' alias name (case insensitive) is reserved.");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _registrations)
                timer.Dispose();
            _registrations.Clear();
        }
    }
}
