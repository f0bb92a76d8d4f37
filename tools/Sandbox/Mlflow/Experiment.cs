using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>An MLflow experiment: a named group of runs with one artifact location.</summary>
public sealed class Experiment
{
    public required string ExperimentId { get; init; }

    public required string Name { get; set; }

    public required string ArtifactLocation { get; init; }

    public string LifecycleStage { get; set; } = "active";

    public long CreationTime { get; init; }

    public long LastUpdateTime { get; set; }

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public JsonObject ToJson() => new()
    {
        ["experiment_id"] = ExperimentId,
        ["name"] = Name,
        ["artifact_location"] = ArtifactLocation,
        ["lifecycle_stage"] = LifecycleStage,
        ["last_update_time"] = LastUpdateTime,
        ["creation_time"] = CreationTime,
        ["tags"] = MlflowJson.TagList(Tags),
    };
}
