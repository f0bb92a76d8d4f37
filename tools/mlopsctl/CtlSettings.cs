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

    /// <summary>The RabbitMQ management API's name in <c>.run/endpoints</c>.</summary>
    public const string RunManagementName = "rabbitmq-management";

    private CtlSettings(IReadOnlyDictionary<string, Uri> services, string? token, RabbitMqManagementSettings? management)
    {
        Services = services;
        Token = token;
        Management = management;
    }

    /// <summary>The RabbitMQ management API (for <c>errors</c>), or null when no URL is given anywhere.</summary>
    public RabbitMqManagementSettings? Management { get; }

    /// <summary>Every service with a URL, by name.</summary>
    public IReadOnlyDictionary<string, Uri> Services { get; }

    public string? Token { get; }

    public static string EnvironmentName(string service) => $"MLOPS_{service.Replace('-', '_').ToUpperInvariant()}_URL";

    /// <param name="management">The flags <c>--rabbitmq-management-url</c>, <c>--rabbitmq-user</c>, <c>--rabbitmq-password</c>.</param>
    public static CtlSettings Resolve(IReadOnlyDictionary<string, string?> flags, string? token, string? configPath, CtlEnvironment environment,
        (string? Url, string? User, string? Password) management = default)
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
        var (managementValue, managementSource) = First((management.Url, "--rabbitmq-management-url"),
            (environment.Get("MLOPS_RABBITMQ_MANAGEMENT_URL"), "MLOPS_RABBITMQ_MANAGEMENT_URL"),
            (file.Management.GetValueOrDefault("managementUrl"), $"rabbitmq.managementUrl in {file.Path}"),
            (run.Endpoints.GetValueOrDefault(RunManagementName), $"{RunManagementName} in .run/endpoints"));
        RabbitMqManagementSettings? rabbit = null;
        if (managementValue is not null)
        {
            if (!Uri.TryCreate(managementValue, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new CtlException(CtlExit.BadUsage, $"{managementSource}: '{managementValue}' is not an http(s) URL.");
            // Credentials in the URL (http://user:password@host:15672) come last, after every named setting.
            var userInfo = url.UserInfo.Split(':', 2);
            var user = First((management.User, "--rabbitmq-user"), (environment.Get("MLOPS_RABBITMQ_USER"), "MLOPS_RABBITMQ_USER"),
                (file.Management.GetValueOrDefault("user"), file.Path), (run.Secrets.GetValueOrDefault("rabbitmq-user"), ".run/secrets"),
                (userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null, managementSource)).Value;
            var password = First((management.Password, "--rabbitmq-password"), (environment.Get("MLOPS_RABBITMQ_PASSWORD"), "MLOPS_RABBITMQ_PASSWORD"),
                (file.Management.GetValueOrDefault("password"), file.Path), (run.Secrets.GetValueOrDefault("rabbitmq-password"), ".run/secrets"),
                (userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null, managementSource)).Value;
            rabbit = new RabbitMqManagementSettings(new UriBuilder(url) { UserName = "", Password = "" }.Uri, user, password);
        }
        return new CtlSettings(services, resolvedToken, rabbit);
    }

    private static (string? Value, string Source) First(params (string? Value, string Source)[] candidates) =>
        candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Value)) is { Value: not null } found ? (found.Value.Trim(), found.Source) : (null, "");

    private static (string Path, string? Token, Dictionary<string, string> Services, Dictionary<string, string> Management) ReadConfig(string path, bool required)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        var management = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            if (required)
                throw new CtlException(CtlExit.BadUsage, $"--config {path}: no such file.");
            return (path, null, services, management);
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
            return (path, null, services, management);
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
                case "rabbitmq" when value is YamlMappingNode map:
                    foreach (var (name, setting) in map.Children)
                    {
                        var field = ((YamlScalarNode)name).Value ?? "";
                        if (field is not ("managementUrl" or "user" or "password"))
                            throw new CtlException(CtlExit.BadUsage, $"{path}: unknown key '{field}' under rabbitmq; expected managementUrl, user, password.");
                        management[field] = (setting as YamlScalarNode)?.Value ?? "";
                    }
                    break;
                case var other:
                    throw new CtlException(CtlExit.BadUsage, $"{path}: unknown key '{other}'; expected token, services, rabbitmq.");
            }
        }
        return (path, token, services, management);
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
