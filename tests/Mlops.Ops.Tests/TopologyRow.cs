using System.Text.RegularExpressions;

namespace Mlops.Ops.Tests;

/// <summary>One row of a docs/topology.md table, by column name; a <c>*</c> in a name stands for any text.</summary>
public sealed class TopologyRow(IReadOnlyDictionary<string, string> cells)
{
    public string this[string column] => cells.TryGetValue(column, out var value) ? value : throw new KeyNotFoundException($"No column '{column}' in {string.Join(", ", cells.Keys)}.");

    /// <summary>The first column: the exchange's or queue's name.</summary>
    public string Name => cells.Values.First();

    public IReadOnlyList<string> DeclaredBy => this["declared by"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Declared when a service starts, by one of <paramref name="services"/>.</summary>
    public bool DeclaredAtStartBy(IEnumerable<string> services) => this["declared"] == "start" && DeclaredBy.Intersect(services).Any();

    public bool Matches(string name) => Matches(Name, name);

    /// <summary>A binding row describing <paramref name="binding"/>.</summary>
    public bool Describes(TopologyBinding binding) =>
        Matches(this["source"], binding.Source) && Matches(this["destination"], binding.Destination)
        && this["to"] == binding.DestinationType && this["routing key"] == binding.RoutingKey;

    private static bool Matches(string pattern, string name) =>
        Regex.IsMatch(name, "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
