namespace Mlops.Sandbox.Programs;

/// <summary>
/// What the model server reads from an <c>MLmodel</c> file: its flavours, the pyfunc loader module, the MLflow version
/// and uuid it was logged with. Read line by line (MLflow writes it as block YAML), not as full YAML.
/// </summary>
public sealed record MlmodelFile(IReadOnlyList<string> Flavors, string? LoaderModule, string? MlflowVersion, string? ModelUuid, string? RunId)
{
    /// <summary>Python modules a flavour's loader imports, as MLflow's flavour modules do.</summary>
    private static readonly Dictionary<string, string> s_flavorModules = new(StringComparer.Ordinal)
    {
        ["pytorch"] = "torch",
        ["sklearn"] = "sklearn",
        ["tensorflow"] = "tensorflow",
        ["keras"] = "keras",
        ["xgboost"] = "xgboost",
        ["lightgbm"] = "lightgbm",
        ["catboost"] = "catboost",
        ["onnx"] = "onnxruntime",
        ["transformers"] = "transformers",
        ["statsmodels"] = "statsmodels",
    };

    public static MlmodelFile Parse(string text)
    {
        var flavors = new List<string>();
        string? loader = null, version = null, uuid = null, runId = null;
        var inFlavors = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                inFlavors = line.StartsWith("flavors:", StringComparison.Ordinal);
                version = TopValue(line, "mlflow_version") ?? version;
                uuid = TopValue(line, "model_uuid") ?? uuid;
                runId = TopValue(line, "run_id") ?? runId;
                continue;
            }
            var indent = line.Length - line.TrimStart().Length;
            var trimmed = line.Trim();
            if (inFlavors && indent == 2 && trimmed.EndsWith(':'))
                flavors.Add(trimmed[..^1]);
            if (trimmed.StartsWith("loader_module:", StringComparison.Ordinal))
                loader = trimmed["loader_module:".Length..].Trim();
        }
        return new MlmodelFile(flavors, loader, version, uuid, runId);
    }

    /// <summary>The modules loading this model as pyfunc imports: its flavours' and its loader module's.</summary>
    public IReadOnlyList<string> RequiredModules()
    {
        var modules = Flavors.Where(s_flavorModules.ContainsKey).Select(f => s_flavorModules[f]).ToList();
        if (LoaderModule is { } loader && loader.StartsWith("mlflow.", StringComparison.Ordinal) && s_flavorModules.TryGetValue(loader["mlflow.".Length..], out var module))
            modules.Add(module);
        return modules.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? TopValue(string line, string key) =>
        line.StartsWith(key + ":", StringComparison.Ordinal) ? line[(key.Length + 1)..].Trim().Trim('\'', '"') : null;
}
