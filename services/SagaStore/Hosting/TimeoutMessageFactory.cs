using System.Collections.Concurrent;
using System.Text.Json;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Hosting;

/// <summary>Builds the timeout message a passed deadline stands for, from the type name stored with the deadline.</summary>
internal static class TimeoutMessageFactory
{
    private static readonly ConcurrentDictionary<string, Type?> Types = new(StringComparer.Ordinal);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { PropertyNameCaseInsensitive = true };

    /// <summary>Type name without version, so a deadline set by one release is still understood by the next.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type? Resolve(string typeName) => Types.GetOrAdd(typeName, name => Type.GetType(name, throwOnError: false));

    public static object Create(Type type, DueDeadline deadline)
    {
        // Through JSON so records with init-only properties and message interfaces' implementations are filled alike.
        var values = new Dictionary<string, object?>
        {
            ["CorrelationId"] = deadline.CorrelationId,
            ["DeadlineAt"] = deadline.DeadlineAt,
        };
        if (deadline.FlowId is not null && type.GetProperty("FlowId") is not null)
            values["FlowId"] = deadline.FlowId;
        var json = JsonSerializer.Serialize(values, Json);
        return JsonSerializer.Deserialize(json, type, Json) ?? throw new InvalidOperationException($"Could not create a {type.Name}.");
    }
}
