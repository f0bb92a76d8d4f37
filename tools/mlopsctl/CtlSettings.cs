using YamlDotNet.RepresentationModel;

namespace Mlops.Ctl;

/// <summary>
/// Where the services are and the token to use, from flags, else the environment (<c>MLOPS_PROVISIONER_URL</c>, …,
/// <c>MLOPS_TOKEN</c>), else the config file (<c>~/.config/mlopsctl/config.yaml</c>, or <c>--config</c>), else what
/// <c>./run.sh</c> wrote (<c>.run/endpoints</c>, <c>.run/secrets</c>).
/// </summary>
public sealed class CtlSettings
{
    /// <summary>The three services, in flow order: name as in URLs' flags, environment and files.</summary>
    public static readonly IReadOnlyList<string> ServiceNames = ["provisioner", "training-coordinator", "model-promoter"];

    /// <summary>The name of the ops token in <c>.run/secrets</c>.</summary>
    public const string RunSecretName = "ops-token";

    private CtlSettings(IReadOnlyDictionary<string, Uri> services, string? token)
    {
        Services = services;
        Token = token;
    }

    /// <summary>Every service with a URL, by name.</summary>
    public IReadOnlyDictionary<string, Uri> Services { get; }

    public string? Token { get; }

    public static string EnvironmentName(string service) => $"MLOPS_{service.Replace('-', '_').ToUpperInvariant()}_URL";

    public static CtlSettings Resolve(IReadOnlyDictionary<string, string?> flags, string? token, string? configPath, CtlEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);
        var file = ReadConfig(configPath ?? Path.Combine(environment.HomeDirectory, ".config", "mlopsctl", "config.yaml"), configPath is not null);
        var run = ReadRun(environment.WorkingDirectory);
        var services = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var name in ServiceNames)
        {
            var (value, source) = First(
                (flags.GetValueOrDefault(name), $"--{name}-url"),
                (environment.Get(EnvironmentName(name)), EnvironmentName(name)),
                (file.Services.GetValueOrDefault(name), $"services.{name} in {file.Path}"),
                (run.Endpoints.GetValueOrDefault(name), $"{name} in .run/endpoints"));
            if (value is null)
                continue;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new CtlException(CtlExit.BadUsage, $"{source}: '{value}' is not an http(s) URL.");
            services[name] = url;
        }
        var resolvedToken = First((token, "--token"), (environment.Get("MLOPS_TOKEN"), "MLOPS_TOKEN"), (file.Token, file.Path),
            (run.Secrets.GetValueOrDefault(RunSecretName), ".run/secrets")).Value;
        return new CtlSettings(services, resolvedToken);
    }

    private static (string? Value, string Source) First(params (string? Value, string Source)[] candidates) =>
        candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Value)) is { Value: not null } found ? (found.Value.Trim(), found.Source) : (null, "");

    private static (string Path, string? Token, Dictionary<string, string> Services) ReadConfig(string path, bool required)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            if (required)
                throw new CtlException(CtlExit.BadUsage, $"--config {path}: no such file.");
            return (path, null, services);
        }
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new CtlException(CtlExit.BadUsage, $"{path} (line {ex.Start.Line}): not valid YAML: {ex.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            return (path, null, services);
        string? token = null;
        foreach (var (key, value) in root.Children)
        {
            switch (((YamlScalarNode)key).Value)
            {
                case "token" when value is YamlScalarNode scalar:
                    token = scalar.Value;
                    break;
                case "services" when value is YamlMappingNode map:
                    foreach (var (name, url) in map.Children)
                    {
                        var service = ((YamlScalarNode)name).Value ?? "";
                        if (!ServiceNames.Contains(service))
                            throw new CtlException(CtlExit.BadUsage, $"{path}: unknown service '{service}' under services; expected one of {string.Join(", ", ServiceNames)}.");
                        services[service] = (url as YamlScalarNode)?.Value ?? "";
                    }
                    break;
                case var other:
                    throw new CtlException(CtlExit.BadUsage, $"{path}: unknown key '{other}'; expected token, services.");
            }
        }
        return (path, token, services);
    }

    private static (Dictionary<string, string> Endpoints, Dictionary<string, string> Secrets) ReadRun(string directory) =>
        (ReadPairs(Path.Combine(directory, ".run", "endpoints")), ReadPairs(Path.Combine(directory, ".run", "secrets")));

    // Lines "<name> <value>", as ./run.sh writes them; blank lines and # comments are skipped.
    private static Dictionary<string, string> ReadPairs(string path)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return pairs;
        foreach (var line in File.ReadAllLines(path))
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
                continue;
            var parts = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2)
                pairs[parts[0]] = parts[1].Trim();
        }
        return pairs;
    }
}
