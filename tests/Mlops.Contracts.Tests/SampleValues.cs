using System.Reflection;

namespace Mlops.Contracts.Tests;

/// <summary>Builds a message with a distinct, non-default value in every property.</summary>
public static class SampleValues
{
    public static object Create(Type type)
    {
        var instance = Activator.CreateInstance(type)!;
        var i = 0;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            property.SetValue(instance, ValueFor(property.PropertyType, property.Name, ++i));
        return instance;
    }

    private static object ValueFor(Type type, string name, int seed)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return $"{name}-{seed}";
        if (underlying == typeof(Guid)) return Guid.NewGuid();
        if (underlying == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 11, 20, 10, 15, seed % 60, 481, TimeSpan.Zero);
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(int)) return seed;
        if (underlying == typeof(double)) return seed + 0.25;
        if (underlying == typeof(TimeSpan)) return TimeSpan.FromMinutes(seed);
        if (underlying == typeof(IReadOnlyList<string>)) return new List<string> { $"{name}-a", $"{name}-b" };
        if (underlying == typeof(IReadOnlyDictionary<string, string>)) return new Dictionary<string, string> { ["k"] = $"{name}-v" };
        if (underlying == typeof(IReadOnlyDictionary<string, double>)) return new Dictionary<string, double> { ["accuracy"] = 0.93 };
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = underlying.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Create(element));
            return list;
        }
        if (underlying.IsClass && underlying.Namespace?.StartsWith("Mlops.Contracts", StringComparison.Ordinal) == true)
            return Create(underlying);
        throw new InvalidOperationException($"No sample value for {type} ({name}): teach SampleValues this type.");
    }
}
