namespace Mlops.Ops.Tests;

/// <summary>The tables of docs/topology.md, read row by row (one Markdown table row a line, names in backticks).</summary>
public sealed class TopologyDoc
{
    private TopologyDoc(IReadOnlyList<TopologyRow> exchanges, IReadOnlyList<TopologyRow> queues, IReadOnlyList<TopologyRow> bindings)
    {
        Exchanges = exchanges;
        Queues = queues;
        Bindings = bindings;
    }

    public IReadOnlyList<TopologyRow> Exchanges { get; }

    public IReadOnlyList<TopologyRow> Queues { get; }

    public IReadOnlyList<TopologyRow> Bindings { get; }

    public static TopologyDoc Read(string path)
    {
        var sections = new Dictionary<string, List<TopologyRow>>(StringComparer.Ordinal);
        string? section = null;
        string[]? header = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim();
                header = null;
                continue;
            }
            if (section is null || !line.StartsWith('|'))
            {
                header = line.StartsWith('|') ? header : null;
                continue;
            }
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim().Replace("`", "", StringComparison.Ordinal)).ToArray();
            if (header is null)
            {
                header = cells;
                continue;
            }
            if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':')))
                continue;
            if (cells.Length != header.Length)
                throw new FormatException($"{path}: a row of {section} has {cells.Length} cells, its header {header.Length}: {line}");
            if (!sections.TryGetValue(section, out var rows))
                sections[section] = rows = [];
            rows.Add(new TopologyRow(header.Zip(cells).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)));
        }
        IReadOnlyList<TopologyRow> Section(string name) =>
            sections.TryGetValue(name, out var rows) && rows.Count > 0 ? rows : throw new FormatException($"{path} has no {name} table.");
        return new TopologyDoc(Section("Exchanges"), Section("Queues"), Section("Bindings"));
    }
}
