using YamlDotNet.RepresentationModel;

namespace Mlops.Images.Tests;

/// <summary>The forge's image workflow, <c>.github/workflows/images.yml</c>, read as YAML.</summary>
public sealed class ImageWorkflow
{
    public const string RelativePath = ".github/workflows/images.yml";

    private ImageWorkflow(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static ImageWorkflow Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepositoryFiles.Root, RelativePath)))
            stream.Load(reader);
        return new ImageWorkflow((YamlMappingNode)stream.Documents[0].RootNode);
    }

    public IEnumerable<YamlMappingNode> Jobs => Map(Root, "jobs").Children.Values.OfType<YamlMappingNode>();

    /// <summary>Every matrix entry of every job: image, context, dockerfile, …</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> MatrixEntries() =>
        from job in Jobs
        let include = Find(job, "strategy", "matrix", "include") as YamlSequenceNode
        where include is not null
        from entry in include.Children.OfType<YamlMappingNode>()
        select (IReadOnlyDictionary<string, string>)entry.Children.ToDictionary(p => Scalar(p.Key), p => Scalar(p.Value), StringComparer.Ordinal);

    public static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) =>
        (Find(job, "steps") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    public static YamlNode? Find(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child))
                return null;
            node = child;
        }
        return node;
    }

    public static string? Text(YamlNode node, params string[] path) => Find(node, path) is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode Map(YamlNode node, string key) =>
        Find(node, key) as YamlMappingNode ?? throw new InvalidOperationException($"{RelativePath} has no map '{key}'");

    private static string Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? "" : node.ToString();
}
