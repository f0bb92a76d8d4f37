namespace Mlops.SagaStore.Mapping;

/// <summary>A WHERE clause with named parameters; correlation ids stay Guids so each provider binds them in its own column type.</summary>
internal sealed record SqlFilter(string Where, IReadOnlyList<KeyValuePair<string, object?>> Parameters);
