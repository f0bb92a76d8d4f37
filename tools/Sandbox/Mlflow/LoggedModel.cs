using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>An MLflow 3 logged model: <c>models:/m-&lt;id&gt;</c>, its artifacts under <c>&lt;experiment&gt;/models/&lt;id&gt;/artifacts</c> and the run that logged it.</summary>
public sealed class LoggedModel
{
    public const string Pending = "LOGGED_MODEL_PENDING";
    public const string Ready = "LOGGED_MODEL_READY";
    public const string UploadFailed = "LOGGED_MODEL_UPLOAD_FAILED";

    public required string ModelId { get; init; }

    public required string ExperimentId { get; init; }

    public required string Name { get; init; }

    public required string ArtifactLocation { get; init; }

    public string SourceRunId { get; init; } = "";

    public string ModelType { get; init; } = "";

    public string Status { get; set; } = Pending;

    public long CreationTimestamp { get; init; }

    public long LastUpdatedTimestamp { get; set; }

    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>The REST form of MLflow's LoggedModel message (the location is the proto's <c>artifact_uri</c>).</summary>
    public JsonObject ToJson()
    {
        var info = new JsonObject
        {
            ["model_id"] = ModelId,
            ["experiment_id"] = ExperimentId,
            ["name"] = Name,
            ["creation_timestamp_ms"] = CreationTimestamp,
            ["last_updated_timestamp_ms"] = LastUpdatedTimestamp,
            ["artifact_uri"] = ArtifactLocation,
            ["status"] = Status,
        };
        if (ModelType.Length > 0)
            info["model_type"] = ModelType;
        if (SourceRunId.Length > 0)
            info["source_run_id"] = SourceRunId;
        info["tags"] = MlflowJson.TagList(Tags);
        return new JsonObject
        {
            ["info"] = info,
            ["data"] = new JsonObject { ["params"] = MlflowJson.TagList(Params), ["metrics"] = new JsonArray() },
        };
    }
}
