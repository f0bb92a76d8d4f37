using System.Globalization;

namespace Mlops.Sandbox.Mlflow;

/// <summary>MLflow's <c>order_by</c>: a list of <c>field [ASC|DESC]</c>, applied after a default order.</summary>
public static class SearchOrder
{
    /// <summary>Sorts <paramref name="items"/> by the <paramref name="orderBy"/> clauses, then by <paramref name="fallback"/>.</summary>
    public static List<T> Apply<T>(IEnumerable<T> items, IEnumerable<string>? orderBy, Func<T, string, object?> field, IComparer<T> fallback, IReadOnlySet<string> allowed)
    {
        var clauses = (orderBy ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => Parse(c, allowed)).ToList();
        var list = items.ToList();
        list.Sort((a, b) =>
        {
            foreach (var (name, descending) in clauses)
            {
                var order = CompareValues(field(a, name), field(b, name));
                if (order != 0)
                    return descending ? -order : order;
            }
            return fallback.Compare(a, b);
        });
        return list;
    }

    private static (string Field, bool Descending) Parse(string clause, IReadOnlySet<string> allowed)
    {
        var parts = clause.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var field = parts[0].Trim('`');
        if (field.StartsWith("attributes.", StringComparison.Ordinal) || field.StartsWith("attribute.", StringComparison.Ordinal))
            field = field[(field.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var direction = parts.Length > 1 ? parts[1].ToUpperInvariant() : "ASC";
        var dynamic = field.StartsWith("metrics.", StringComparison.Ordinal) || field.StartsWith("params.", StringComparison.Ordinal) || field.StartsWith("tags.", StringComparison.Ordinal);
        if (parts.Length > 2 || direction is not ("ASC" or "DESC") || (!dynamic && !allowed.Contains(field)))
            throw MlflowException.InvalidParameter($"Invalid order_by clause '{clause}'. Could not be parsed.");
        return (field, direction == "DESC");
    }

    // Absent values sort last, as MLflow does.
    private static int CompareValues(object? a, object? b)
    {
        if (a is null || b is null)
            return a is null ? (b is null ? 0 : 1) : -1;
        if (a is double or long or int && b is double or long or int)
            return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
        return string.CompareOrdinal(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture));
    }
}
