using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Hosting;

/// <summary>
/// Builds the timeout message a passed deadline stands for, from the type name stored with the deadline. The sweeper fills
/// <c>CorrelationId</c> (the saga), <c>FlowId</c> (the saga's flow), <c>DeadlineAt</c> and <c>OccurredAt</c> (the sweep);
/// a type needing anything else cannot be built and is refused when the state machine is built.
/// </summary>
internal static class TimeoutMessageFactory
{
    private static readonly ConcurrentDictionary<string, Type?> Types = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Type, string?> Problems = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { PropertyNameCaseInsensitive = true };

    private static readonly string[] Filled = ["CorrelationId", "FlowId", "DeadlineAt", "OccurredAt"];

    /// <summary>Type name without version, so a deadline set by one release is still understood by the next.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type? Resolve(string typeName) => Types.GetOrAdd(typeName, name => Type.GetType(name, throwOnError: false));

    /// <summary>Refuses a type the sweeper could not build, naming the type and the member at fault.</summary>
    public static void EnsureBuildable(Type type)
    {
        if (Problems.GetOrAdd(type, Check) is { } problem)
            throw new ArgumentException($"{type.Name} cannot be a deadline event: {problem}");
    }

    public static object Create(Type type, DueDeadline deadline, DateTimeOffset now)
    {
        // Through JSON so records with init-only and required properties and message interfaces' implementations are filled alike.
        var values = new Dictionary<string, object?>
        {
            ["CorrelationId"] = deadline.CorrelationId,
            ["DeadlineAt"] = deadline.DeadlineAt,
            ["OccurredAt"] = now,
        };
        if (Member(type, "FlowId") is { } flow)
            values["FlowId"] = FlowIdValue(MemberType(flow), deadline.FlowId);
        var json = JsonSerializer.Serialize(values, Json);
        return JsonSerializer.Deserialize(json, type, Json) ?? throw new InvalidOperationException($"Could not create a {type.Name}.");
    }

    private static string? Check(Type type)
    {
        if (type.IsAbstract || type.IsInterface)
            return "it is abstract or an interface; use a concrete record or class.";
        if (Member(type, "CorrelationId") is not PropertyInfo { SetMethod: not null } correlation || correlation.PropertyType != typeof(Guid))
            return "it needs a settable (or init) Guid CorrelationId property for the sweeper to fill in.";
        var required = type.GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is PropertyInfo or FieldInfo && m.IsDefined(typeof(RequiredMemberAttribute), inherit: true))
            .Select(m => m.Name)
            .FirstOrDefault(name => !Filled.Contains(name, StringComparer.Ordinal));
        if (required is not null)
            return $"its required member {required} is not one the sweeper fills ({string.Join(", ", Filled)}).";
        if (Member(type, "FlowId") is { } flow && FlowIdValue(MemberType(flow), null) is InvalidFlowId)
            return $"its FlowId is a {MemberType(flow).Name}; the sweeper fills a Guid or a string.";
        foreach (var time in new[] { "DeadlineAt", "OccurredAt" })
        {
            if (Member(type, time) is { } member && Nullable.GetUnderlyingType(MemberType(member)) is var underlying
                && (underlying ?? MemberType(member)) is var t && t != typeof(DateTimeOffset) && t != typeof(DateTime))
                return $"its {time} is a {t.Name}; the sweeper fills a DateTimeOffset.";
        }
        try
        {
            Create(type, new DueDeadline(Guid.NewGuid(), Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, TypeName(type)), DateTimeOffset.UtcNow);
            return null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return $"building one from CorrelationId, FlowId, DeadlineAt and OccurredAt fails: {ex.Message}";
        }
    }

    private static MemberInfo? Member(Type type, string name) =>
        (MemberInfo?)type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) ?? type.GetField(name, BindingFlags.Public | BindingFlags.Instance);

    private static Type MemberType(MemberInfo member) => member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;

    // A saga without a FlowId gives Guid.Empty to a Guid FlowId: "no flow" is still a value a required member accepts.
    private static object? FlowIdValue(Type memberType, string? flowId)
    {
        var t = Nullable.GetUnderlyingType(memberType) ?? memberType;
        if (t == typeof(string))
            return flowId;
        if (t == typeof(Guid))
            return Guid.TryParse(flowId, out var id) ? id : (Nullable.GetUnderlyingType(memberType) is null ? Guid.Empty : null);
        return InvalidFlowId.Instance;
    }

    private sealed class InvalidFlowId
    {
        public static readonly InvalidFlowId Instance = new();
    }
}
