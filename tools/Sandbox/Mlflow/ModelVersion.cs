using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>One version of a registered model, pointing at the artifacts of a run.</summary>
public sealed class ModelVersion
{
    public required RegisteredModel Model { get; init; }

    public required int Version { get; init; }

    public long CreationTimestamp { get; init; }

    public long LastUpdatedTimestamp { get; set; }

    public string UserId { get; init; } = "";

    public string CurrentStage { get; set; } = "None";

    public string Description { get; set; } = "";

    public required string Source { get; init; }

    public string RunId { get; init; } = "";

    /// <summary>The MLflow 3 logged model the version was registered from (source <c>models:/m-&lt;id&gt;</c>); empty otherwise.</summary>
    public string ModelId { get; init; } = "";

    /// <summary>Where the artifacts are, as get-download-uri answers: the logged model's location for a logged model, else the source.</summary>
    public string StorageLocation { get; init; } = "";

    public string Status { get; set; } = ModelVersionStatus.PendingRegistration;

    public string StatusMessage { get; set; } = "";

    public string RunLink { get; init; } = "";

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public string VersionText => Version.ToString(CultureInfo.InvariantCulture);

    public IEnumerable<string> Aliases =>
        Model.Aliases.Where(a => a.Value == Version).Select(a => a.Key).Order(StringComparer.Ordinal);

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Model.Name,
            ["version"] = VersionText,
            ["creation_timestamp"] = CreationTimestamp,
            ["last_updated_timestamp"] = LastUpdatedTimestamp,
            ["user_id"] = UserId,
            ["current_stage"] = CurrentStage,
            ["description"] = Description,
            ["source"] = Source,
            ["run_id"] = RunId,
            ["status"] = Status,
        };
        if (StatusMessage.Length > 0)
            json["status_message"] = StatusMessage;
        if (ModelId.Length > 0)
            json["model_id"] = ModelId;
        json["tags"] = MlflowJson.TagList(Tags);
        json["run_link"] = RunLink;
        json["aliases"] = new JsonArray(Aliases.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        return json;
    }
}
