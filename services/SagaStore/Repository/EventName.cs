namespace Mlops.SagaStore.Repository;

/// <summary>The name a message type has in the history: its short name, with generic arguments spelled out.</summary>
internal static class EventName
{
    public static string Of(Type type)
    {
        if (!type.IsGenericType)
            return type.Name;
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Of))}>";
    }
}

/// <summary>Caches <see cref="EventName.Of"/> per message type.</summary>
internal static class EventName<TMessage>
{
    public static readonly string Value = EventName.Of(typeof(TMessage));
}
