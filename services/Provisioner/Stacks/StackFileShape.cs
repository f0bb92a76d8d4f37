using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// What a stack file's YAML may not be, checked on the parser's events before any node graph is built: a mapping key
/// that is not a plain value (a list or a mapping), and an alias that does not name a node complete before it (one inside
/// the node it names, or ahead of its anchor, which YAML does not allow but YamlDotNet's loader resolves): both can make a
/// cycle, on which the loader recurses without end, which would end the service rather than refuse the file.
/// </summary>
internal static class StackFileShape
{
    /// <summary>The first such problem, with the path of the field it is in; null when there is none.</summary>
    /// <exception cref="YamlException">The text is not YAML.</exception>
    /// <exception cref="InvalidOperationException">YamlDotNet's scanner gave up on the text (it does on some malformed flow scalars).</exception>
    public static StackFileError? Problem(string text)
    {
        var open = new List<Container>();
        var complete = new HashSet<string>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            if (current is MappingEnd or SequenceEnd)
            {
                if (open[^1].Anchor is { } closed)
                    complete.Add(closed);
                open.RemoveAt(open.Count - 1);
                continue;
            }
            if (current is not (Scalar or AnchorAlias or MappingStart or SequenceStart))
                continue;
            var parent = open.Count > 0 ? open[^1] : null;
            var line = (int)current.Start.Line;
            var atKey = parent is { IsMapping: true, Items: var items } && items % 2 == 0;
            if (atKey && current is MappingStart or SequenceStart)
                return new StackFileError(Shown(parent!.Path), line, "has a list or a mapping as a key: the keys of a stack file are field names");
            var path = parent?.PathOfNext() ?? "";
            if (current is AnchorAlias alias && (open.Any(c => c.Anchor == alias.Value.Value) || !complete.Contains(alias.Value.Value)))
                return new StackFileError(Shown(path), line, $"holds alias *{alias.Value.Value}, which does not name a node complete before it (one inside the node it names would never end)");
            if (current is Scalar { Anchor: { IsEmpty: false } scalarAnchor })
                complete.Add(scalarAnchor.Value);
            if (atKey)
                parent!.Key = current is Scalar { Value: var key } ? key : "?";
            if (parent is not null)
                parent.Items++;
            if (current is NodeEvent { Anchor: var anchor } and (MappingStart or SequenceStart))
                open.Add(new Container(current is MappingStart, anchor.IsEmpty ? null : anchor.Value, path));
        }
        return null;
    }

    private static string Shown(string path) => path.Length == 0 ? "(top level)" : path;

    /// <summary>An open mapping or list, with where it is and how many entries it has had.</summary>
    private sealed class Container(bool isMapping, string? anchor, string path)
    {
        public bool IsMapping { get; } = isMapping;

        public string? Anchor { get; } = anchor;

        public string Path { get; } = path;

        /// <summary>Keys and values so far (an even count: a key comes next), or the items of a list.</summary>
        public int Items { get; set; }

        /// <summary>The key of the value that comes next.</summary>
        public string Key { get; set; } = "";

        /// <summary>The path of the node that comes next: the key's field, or the list's next index.</summary>
        public string PathOfNext() => IsMapping
            ? Items % 2 == 0 ? Path : Path.Length == 0 ? Key : $"{Path}.{Key}"
            : $"{Path}[{Items}]";
    }
}
