using System.Reflection;
using System.Text;
using MassTransit;

namespace Mlops.SagaStore.Mapping;

/// <summary>How one saga type is stored: its table, its state and FlowId columns and its indexed columns.</summary>
internal abstract class SagaMap
{
    public const string StatePropertyName = "CurrentState";
    public const string FlowIdPropertyName = "FlowId";

    protected SagaMap(Type sagaType)
    {
        SagaType = sagaType;
        Name = sagaType.Name;
        Table = "saga_" + ToSnakeCase(sagaType.Name);
        if (Table.Length > 63)
            throw new InvalidOperationException($"Saga type name {sagaType.Name} is too long for a table name (63 characters at most).");

        StateProperty = sagaType.GetProperty(StatePropertyName, BindingFlags.Public | BindingFlags.Instance);
        if (StateProperty is not null && StateProperty.PropertyType != typeof(string))
            throw new InvalidOperationException(
                $"{sagaType.Name}.{StatePropertyName} must be a string (configure InstanceState(x => x.{StatePropertyName}) with a string property).");

        FlowIdProperty = sagaType.GetProperty(FlowIdPropertyName, BindingFlags.Public | BindingFlags.Instance);
        if (FlowIdProperty is not null && !IndexValueFormat.IsSupported(FlowIdProperty.PropertyType))
            throw new InvalidOperationException($"{sagaType.Name}.{FlowIdPropertyName} must be a Guid or a string.");

        Indexes = sagaType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<SagaIndexAttribute>() is not null)
            .Select(p =>
            {
                if (!IndexValueFormat.IsSupported(p.PropertyType))
                    throw new InvalidOperationException(
                        $"[SagaIndex] on {sagaType.Name}.{p.Name}: type {p.PropertyType.Name} cannot be indexed (use string, Guid, an integer or an enum).");
                if (p.GetMethod is null)
                    throw new InvalidOperationException($"[SagaIndex] on {sagaType.Name}.{p.Name}: the property has no getter.");
                return new SagaIndexColumn(p, "ix_" + ToSnakeCase(p.Name), p.GetValue);
            })
            .ToArray();
    }

    /// <summary>Saga type name used in the history table and the ops API.</summary>
    public string Name { get; }

    public Type SagaType { get; }

    public string Table { get; }

    public PropertyInfo? StateProperty { get; }

    public PropertyInfo? FlowIdProperty { get; }

    public IReadOnlyList<SagaIndexColumn> Indexes { get; }

    /// <summary>The column a property is stored in, or null when it is only inside the JSON document.</summary>
    public string? ColumnFor(MemberInfo member)
    {
        if (member.Name == nameof(ISaga.CorrelationId))
            return "correlation_id";
        if (StateProperty is not null && member.Name == StateProperty.Name)
            return "state";
        if (FlowIdProperty is not null && member.Name == FlowIdProperty.Name)
            return "flow_id";
        return Indexes.FirstOrDefault(i => i.Property.Name == member.Name)?.Column;
    }

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                    builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsLetterOrDigit(c))
                builder.Append(c);
            else
                builder.Append('_');
        }
        return builder.ToString();
    }
}
