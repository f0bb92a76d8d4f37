using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>An MLflow run: its info (status, times, artifact URI) and data (params, metrics, tags).</summary>
public sealed class Run
{
    public required string RunId { get; init; }

    public required string ExperimentId { get; init; }

    public required string RunName { get; set; }

    public string UserId { get; init; } = "";

    public string Status { get; set; } = "RUNNING";

    public long StartTime { get; init; }

    public long? EndTime { get; set; }

    public required string ArtifactUri { get; init; }

    public string LifecycleStage { get; set; } = "active";

    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public List<Metric> MetricHistory { get; } = [];

    /// <summary>The value MLflow reports per metric: the one with the highest step, then the latest timestamp.</summary>
    public IEnumerable<Metric> LatestMetrics =>
        MetricHistory.GroupBy(m => m.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last());

    public JsonObject InfoJson()
    {
        var info = new JsonObject
        {
            ["run_id"] = RunId,
            ["run_uuid"] = RunId,
            ["run_name"] = RunName,
            ["experiment_id"] = ExperimentId,
            ["user_id"] = UserId,
            ["status"] = Status,
            ["start_time"] = StartTime,
            ["artifact_uri"] = ArtifactUri,
            ["lifecycle_stage"] = LifecycleStage,
        };
        if (EndTime is { } end)
            info["end_time"] = end;
        return info;
    }

    public JsonObject ToJson() => new()
    {
        ["info"] = InfoJson(),
        ["data"] = new JsonObject
        {
            ["metrics"] = new JsonArray(LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (JsonNode)m.ToJson()).ToArray()),
            ["params"] = MlflowJson.TagList(Params),
            ["tags"] = MlflowJson.TagList(Tags),
        },
    };
}
