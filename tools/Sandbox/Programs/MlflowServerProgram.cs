using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Mlflow;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// Recognises an MLflow tracking server container: <c>mlflow server …</c> (directly, through <c>python -m mlflow</c> or
/// in a <c>sh -c</c> script) in an image that carries MLflow. Its process answers <c>/health</c> and <c>/version</c>
/// and forwards the REST API to the mlflow stand-in (one tracking store behind both addresses); its
/// <c>MLFLOW_WEBHOOK_ALLOWED_SCHEMES</c> and <c>MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS</c> are the webhook rules while it backs
/// the stand-in's in-cluster address. <c>--host</c> defaults to 127.0.0.1 (unreachable from outside the pod), <c>--port</c> to 5000.
/// </summary>
public sealed class MlflowServerProgram(MlflowStandIn mlflow, ImageLibraries images) : IContainerProgram
{
    public IContainerProcess? Start(ContainerLaunch launch)
    {
        foreach (var command in ShellCommand.CommandsOf(launch.Argv))
        {
            if (ShellCommand.ArgumentsOf(command, ["mlflow", "server"]) is not { } args)
                continue;
            if (!images.Of(launch.Image).ContainsKey("mlflow"))
                return new FailedProcess(launch, ShellCommand.ThroughPython(command)
                    ? new ProgramExitException("/usr/local/bin/python: No module named mlflow", 1)
                    : new ProgramExitException($"/bin/sh: 1: {command[0]}: not found", 127));
            var host = Option(args, "--host", "-h") ?? launch.Env.GetValueOrDefault("MLFLOW_HOST") ?? "127.0.0.1";
            var portText = Option(args, "--port", "-p") ?? launch.Env.GetValueOrDefault("MLFLOW_PORT") ?? "5000";
            if (!int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out var port))
                return new FailedProcess(launch, new ProgramExitException($"Error: Invalid value for '--port' / '-p': '{portText}' is not a valid integer.", 2,
                    ["Usage: mlflow server [OPTIONS]", "Try 'mlflow server --help' for help.", ""]));
            var webhookUrls = WebhookUrlPolicy.From(launch.Env.GetValueOrDefault);
            var process = new MlflowServerProcess(launch, mlflow, host, port, images.MlflowVersionOf(launch.Image), webhookUrls);
            process.Begin();
            return process;
        }
        return null;
    }

    private static string? Option(IReadOnlyList<string> args, string name, string shortName)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
                return args[i][(name.Length + 1)..];
            if ((args[i] == name || args[i] == shortName) && i + 1 < args.Count)
                return args[i + 1];
        }
        return null;
    }
}
