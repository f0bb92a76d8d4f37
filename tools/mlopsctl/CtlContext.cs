using System.CommandLine;

namespace Mlops.Ctl;

/// <summary>What every command gets: the output, and a client per service configured.</summary>
public sealed class CtlContext(CtlSettings settings, CtlOutput output, HttpMessageHandler? handler) : IDisposable
{
    private readonly Dictionary<string, OpsClient> _clients = [];

    public CtlOutput Output { get; } = output;

    public CtlSettings Settings { get; } = settings;

    /// <summary>A client of every service with a URL, in flow order; none configured is bad usage.</summary>
    public IReadOnlyList<OpsClient> Clients(string? only = null)
    {
        var names = only is null ? CtlSettings.ServiceNames : [only];
        var found = names.Where(Settings.Services.ContainsKey).Select(Client).ToArray();
        if (found.Length == 0)
        {
            throw new CtlException(CtlExit.BadUsage, only is null
                ? $"No service URL: give --provisioner-url etc., {string.Join(", ", CtlSettings.ServiceNames.Select(CtlSettings.EnvironmentName))}, or a config file."
                : $"No URL for {only}: give --{only}-url or {CtlSettings.EnvironmentName(only)}.");
        }
        return found;
    }

    private OpsClient Client(string name)
    {
        if (_clients.TryGetValue(name, out var client))
            return client;
        var token = Settings.Token ?? throw new CtlException(CtlExit.BadUsage, "No ops token: give --token, MLOPS_TOKEN, or token in the config file.");
        return _clients[name] = new OpsClient(name, Settings.Services[name], token, handler);
    }

    /// <summary>RabbitMQ's management API; no URL configured is bad usage.</summary>
    public RabbitMqManagement Management() => new(Settings.Management ?? throw new CtlException(CtlExit.BadUsage,
        $"No RabbitMQ management URL: give --rabbitmq-management-url, MLOPS_RABBITMQ_MANAGEMENT_URL, rabbitmq.managementUrl in the config file, or {CtlSettings.RunManagementName} in .run/endpoints."));

    public void Dispose()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
    }

    /// <summary>The options every command takes.</summary>
    internal static class Options
    {
        public static readonly Option<string?> Token = new("--token") { Description = "Ops token (else MLOPS_TOKEN, else the config file)", Recursive = true };
        public static readonly Option<string?> Config = new("--config") { Description = "Config file (default ~/.config/mlopsctl/config.yaml)", Recursive = true };
        public static readonly Option<bool> Json = new("--json") { Description = "Write JSON for scripts instead of tables", Recursive = true };

        public static readonly Option<string?> ManagementUrl = new("--rabbitmq-management-url") { Description = "RabbitMQ's management API (else MLOPS_RABBITMQ_MANAGEMENT_URL, else the config file, else .run/endpoints)", Recursive = true };
        public static readonly Option<string?> ManagementUser = new("--rabbitmq-user") { Description = "RabbitMQ management user (else MLOPS_RABBITMQ_USER, else the config file)", Recursive = true };
        public static readonly Option<string?> ManagementPassword = new("--rabbitmq-password") { Description = "RabbitMQ management password (better MLOPS_RABBITMQ_PASSWORD or the config file: arguments show in ps)", Recursive = true };

        public static readonly IReadOnlyDictionary<string, Option<string?>> Urls = CtlSettings.ServiceNames.ToDictionary(
            n => n, n => new Option<string?>($"--{n}-url") { Description = $"The {n}'s URL (else {CtlSettings.EnvironmentName(n)}, else the config file)", Recursive = true });
    }
}
