using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>One logged value of a run's metric at a step.</summary>
public sealed record Metric(string Key, double Value, long Timestamp, long Step)
{
    public JsonObject ToJson() => new()
    {
        ["key"] = Key,
        ["value"] = Value,
        ["timestamp"] = Timestamp,
        ["step"] = Step,
    };
}
