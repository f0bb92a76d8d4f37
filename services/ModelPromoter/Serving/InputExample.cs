using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// The body the smoke check posts to <c>/invocations</c>. <c>serving_input_example.json</c> already is one (MLflow 2.11+
/// writes it); an older <c>input_example.json</c> is wrapped as MLflow's own <c>serving_input</c> conversion does: a
/// pandas split example (<c>columns</c> and <c>data</c>) becomes <c>dataframe_split</c>, a list of records
/// <c>dataframe_records</c>, anything else <c>inputs</c>.
/// </summary>
public static class InputExample
{
    public const string ServingFile = "serving_input_example.json";

    public const string ExampleFile = "input_example.json";

    private static readonly string[] PayloadKeys = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    /// <exception cref="ServingRefusedException">The file is not JSON.</exception>
    public static string FromExampleFile(string json, string where)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ServingRefusedException($"{where} is not JSON: {ex.Message}", ex);
        }
        switch (node)
        {
            case JsonObject obj when obj.Count == 1 && PayloadKeys.Contains(obj.First().Key):
                return json;
            case JsonObject obj when obj.ContainsKey("columns") && obj.ContainsKey("data"):
                return new JsonObject { ["dataframe_split"] = obj.DeepClone() }.ToJsonString();
            case JsonArray array when array.Count > 0 && array.All(item => item is JsonObject):
                return new JsonObject { ["dataframe_records"] = array.DeepClone() }.ToJsonString();
            default:
                return new JsonObject { ["inputs"] = node?.DeepClone() }.ToJsonString();
        }
    }
}
