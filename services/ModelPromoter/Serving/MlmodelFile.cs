using YamlDotNet.RepresentationModel;

namespace Mlops.ModelPromoter.Serving;

/// <summary>What the promoter needs from a model's <c>MLmodel</c> file: its flavours, in the order MLflow wrote them.</summary>
public sealed record MlmodelFile(IReadOnlyList<string> Flavors)
{
    /// <summary>The flavour <c>mlflow models serve</c> loads every model through.</summary>
    public const string PythonFunction = "python_function";

    /// <summary>The model's own flavours (<c>pytorch</c>, <c>sklearn</c>, …), without <c>python_function</c>.</summary>
    public IEnumerable<string> LibraryFlavors => Flavors.Where(f => f != PythonFunction);

    /// <exception cref="ServingRefusedException">Not YAML, no <c>flavors</c> mapping, or no <c>python_function</c> flavour.</exception>
    public static MlmodelFile Parse(string text, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        YamlStream yaml = new();
        try
        {
            using var reader = new StringReader(text);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ServingRefusedException($"{where} is not YAML: {ex.Message}", ex);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("flavors"), out var flavorsNode) || flavorsNode is not YamlMappingNode flavors)
        {
            throw new ServingRefusedException($"{where} has no 'flavors' mapping, so it is not an MLflow model");
        }
        var names = flavors.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").Where(k => k.Length > 0).ToList();
        if (!names.Contains(PythonFunction))
        {
            throw new ServingRefusedException(
                $"{where} has no python_function flavour (only {string.Join(", ", names)}): mlflow models serve cannot load it");
        }
        return new MlmodelFile(names);
    }
}
