using System.Text.RegularExpressions;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// Which Python libraries an image carries, by image prefix (<c>Sandbox:ModelServer:Images:&lt;prefix&gt;</c> = comma
/// list, e.g. <c>mlflow==2.21.3,boto3</c>; the longest matching prefix wins). The defaults: upstream
/// <c>ghcr.io/mlflow/mlflow</c> holds MLflow only; the product's <c>ghcr.io/mlops-control-plane/mlflow-model-server</c>
/// adds boto3 and its <c>-pytorch</c> variant torch. An image no prefix matches carries nothing.
/// </summary>
public sealed partial class ImageLibraries
{
    public const string DefaultMlflowVersion = "2.21.3";

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ghcr.io/mlflow/mlflow"] = "mlflow",
        ["ghcr.io/mlops-control-plane/mlflow-model-server"] = "mlflow,boto3",
        ["ghcr.io/mlops-control-plane/mlflow-model-server-pytorch"] = "mlflow,boto3,torch",
    };

    private readonly Dictionary<string, string> _byPrefix;

    public ImageLibraries(IConfiguration modelServerSection)
    {
        _byPrefix = new Dictionary<string, string>(Defaults, StringComparer.Ordinal);
        foreach (var image in modelServerSection.GetSection("Images").GetChildren())
            _byPrefix[image.Key] = image.Value ?? "";
    }

    /// <summary>The libraries of <paramref name="image"/> by module name, with a version where the setting gives one.</summary>
    public IReadOnlyDictionary<string, string?> Of(string image)
    {
        var prefix = _byPrefix.Keys.Where(p => image.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length);
        var libraries = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (prefix is null)
            return libraries;
        foreach (var entry in _byPrefix[prefix].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split("==", 2);
            libraries[parts[0]] = parts.Length == 2 ? parts[1] : null;
        }
        return libraries;
    }

    /// <summary>
    /// The MLflow version in <paramref name="image"/>: from the setting (<c>mlflow==3.1.0</c>), else the tag of an
    /// upstream image (<c>ghcr.io/mlflow/mlflow:v2.21.3</c>), else the default.
    /// </summary>
    public string MlflowVersionOf(string image)
    {
        if (Of(image).GetValueOrDefault("mlflow") is { } configured)
            return configured;
        var colon = image.LastIndexOf(':');
        var upstream = colon > image.LastIndexOf('/') && image[..colon] == UpstreamImage;
        return upstream && VersionTag().Match(image[(colon + 1)..]) is { Success: true } match ? match.Groups[1].Value : DefaultMlflowVersion;
    }

    /// <summary>MLflow's own image, tagged with the MLflow version it holds.</summary>
    public const string UpstreamImage = "ghcr.io/mlflow/mlflow";

    [GeneratedRegex(@"^v?(\d+\.\d+\.\d+)")]
    private static partial Regex VersionTag();
}
