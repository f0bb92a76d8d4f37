using System.Text.Json;
using MassTransit;

namespace Mlops.SagaStore.Mapping;

/// <summary>Reads and writes one saga type: JSON document, state, FlowId and indexed values.</summary>
internal sealed class SagaMap<TSaga> : SagaMap
    where TSaga : class, ISaga
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public SagaMap()
        : base(typeof(TSaga))
    {
    }

    public static string Serialize(TSaga instance) => JsonSerializer.Serialize(instance, Json);

    public TSaga Deserialize(string data) =>
        JsonSerializer.Deserialize<TSaga>(data, Json) ?? throw new InvalidOperationException($"Stored {Name} document is null.");

    public string? StateOf(TSaga instance) => (string?)StateProperty?.GetValue(instance);

    public string? FlowIdOf(TSaga instance) => IndexValueFormat.Format(FlowIdProperty?.GetValue(instance));

    public string?[] IndexValuesOf(TSaga instance)
    {
        var values = new string?[Indexes.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = IndexValueFormat.Format(Indexes[i].Read(instance));
        return values;
    }
}
