using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlops.Clients.Mlflow;

/// <summary>How MLflow's JSON is written and read: snake_case names, absent optional fields, 64-bit numbers also as strings.</summary>
public static class MlflowJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
