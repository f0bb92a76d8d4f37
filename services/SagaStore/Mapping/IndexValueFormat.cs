using System.Globalization;

namespace Mlops.SagaStore.Mapping;

/// <summary>The text an indexed value is stored and compared as; it matches the value's JSON form so columns can be backfilled from the document.</summary>
internal static class IndexValueFormat
{
    public static bool IsSupported(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(Guid) || t.IsEnum
            || t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte);
    }

    public static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        Guid g => g.ToString("D"),
        Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
