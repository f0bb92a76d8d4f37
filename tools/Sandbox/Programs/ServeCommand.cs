using System.Globalization;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// The options of <c>mlflow models serve</c> as its click command reads them: <c>-m/--model-uri</c> (required),
/// <c>-p/--port</c> (5000), <c>-h/--host</c> (127.0.0.1), <c>-t/--timeout</c>, <c>-w/--workers</c>,
/// <c>--env-manager local|virtualenv|conda</c> (virtualenv when absent), <c>--no-conda</c> (local), <c>--install-mlflow</c>,
/// and <c>--enable-mlserver</c> (MLflow 2 only). The <c>MLFLOW_HOST</c>/<c>MLFLOW_PORT</c> environment variables stand
/// in for absent options, as click's envvar does.
/// </summary>
public sealed record ServeCommand
{
    public required string ModelUri { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 5000;

    public string EnvManager { get; init; } = "virtualenv";

    public bool NoConda { get; init; }

    public bool EnableMlserver { get; init; }

    /// <summary>Reads the arguments after <c>mlflow models serve</c>; throws the click usage error (exit 2) for bad ones.</summary>
    public static ServeCommand Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, bool mlflow3)
    {
        string? modelUri = null, host = null, port = null, envManager = null;
        bool noConda = false, enableMlserver = false;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=', StringComparison.Ordinal)
                ? (args[i][..args[i].IndexOf('=', StringComparison.Ordinal)], args[i][(args[i].IndexOf('=', StringComparison.Ordinal) + 1)..])
                : (args[i], null);
            switch (name)
            {
                case "-m" or "--model-uri":
                    modelUri = Value();
                    break;
                case "-h" or "--host":
                    host = Value();
                    break;
                case "-p" or "--port":
                    port = Value();
                    break;
                case "--env-manager":
                    envManager = Value();
                    break;
                case "-t" or "--timeout" or "-w" or "--workers":
                    Value();
                    break;
                case "--no-conda":
                    noConda = true;
                    break;
                case "--install-mlflow":
                    break;
                case "--enable-mlserver" when !mlflow3:
                    enableMlserver = true;
                    break;
                case "--help":
                    throw new ProgramExitException("Usage: mlflow models serve [OPTIONS]", 0);
                default:
                    throw Usage(name.StartsWith('-') ? $"No such option: {name}" : $"Got unexpected extra argument ({name})");
            }

            string Value()
            {
                if (inline is not null)
                    return inline;
                if (i + 1 >= args.Count)
                    throw Usage($"Option '{name}' requires an argument.");
                return args[++i];
            }
        }
        if (modelUri is null)
            throw Usage("Missing option '-m' / '--model-uri'.");
        port ??= env.GetValueOrDefault("MLFLOW_PORT");
        var portNumber = 5000;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber is < 1 or > 65535))
            throw Usage($"Invalid value for '-p' / '--port': '{port}' is not a valid integer.");
        envManager ??= noConda ? "local" : "virtualenv";
        if (envManager is not ("local" or "virtualenv" or "conda" or "uv"))
            throw new ProgramExitException($"mlflow.exceptions.MlflowException: Invalid value for `env_manager`: {envManager}. Must be one of ['local', 'virtualenv', 'conda', 'uv']", 1);
        return new ServeCommand
        {
            ModelUri = modelUri,
            Host = host ?? env.GetValueOrDefault("MLFLOW_HOST") ?? "127.0.0.1",
            Port = portNumber,
            EnvManager = envManager,
            NoConda = noConda,
            EnableMlserver = enableMlserver,
        };
    }

    private static ProgramExitException Usage(string error) =>
        new($"Error: {error}", 2, ["Usage: mlflow models serve [OPTIONS]", "Try 'mlflow models serve --help' for help.", ""]);

    /// <summary>Whether the server can be reached from outside the pod (probes and the service proxy connect to the pod's IP).</summary>
    public bool ListensOnPodAddress => Host is not ("127.0.0.1" or "localhost" or "::1");
}
