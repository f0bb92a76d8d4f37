using Microsoft.Extensions.Logging.Abstractions;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Minio;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// Recognises a MinIO server container: <c>minio server …</c> in its argv or <c>sh -c</c> script, or an image
/// <c>minio/minio</c> / <c>quay.io/minio/minio</c> whose args start with <c>server</c> (the image's entrypoint adds
/// <c>minio</c>). Its process is, while a ready pod of it backs the s3 stand-in's in-cluster address, the MinIO the
/// stand-in is: root credentials from <c>MINIO_ROOT_USER</c>/<c>MINIO_ROOT_PASSWORD</c> (minioadmin/minioadmin when
/// unset, as MinIO warns) and AMQP targets from the <c>MINIO_NOTIFY_AMQP_*</c> environment.
/// </summary>
public sealed class MinioServerProgram(MinioStandIn s3) : IContainerProgram
{
    private static readonly string[] s_images = ["minio/minio", "quay.io/minio/minio", "docker.io/minio/minio"];

    public IContainerProcess? Start(ContainerLaunch launch)
    {
        var args = ServerArguments(launch);
        if (args is null)
            return null;
        var env = launch.Env;
        var user = env.GetValueOrDefault("MINIO_ROOT_USER") ?? env.GetValueOrDefault("MINIO_ACCESS_KEY");
        var password = env.GetValueOrDefault("MINIO_ROOT_PASSWORD") ?? env.GetValueOrDefault("MINIO_SECRET_KEY");
        var defaulted = user is null && password is null;
        if (defaulted)
            (user, password) = ("minioadmin", "minioadmin");
        if (user is null || password is null || user.Length < 3 || password.Length < 8)
            return Fatal(launch, "Unable to validate credentials inherited from the shell environment: Invalid credentials",
                "Please provide correct credentials", "MINIO_ROOT_USER length should be at least 3, and MINIO_ROOT_PASSWORD length at least 8 characters");
        IReadOnlyList<AmqpTargetSettings> targetSettings;
        try
        {
            targetSettings = AmqpTargetSettings.Read(env.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        }
        catch (InvalidOperationException invalid)
        {
            return Fatal(launch, $"Unable to initialize notification targets: {invalid.Message}", "Please check the MINIO_NOTIFY_AMQP_* settings", "");
        }
        var loggers = s3.Loggers ?? NullLoggerFactory.Instance;
        var targets = targetSettings.Select(t => new AmqpNotificationTarget(t, loggers.CreateLogger<AmqpNotificationTarget>(), TimeProvider.System, s3.Options.Delivery)).ToList();
        var configuration = new MinioServerConfiguration(user, password, targets, $"pod {launch.Namespace}/{launch.PodName}");
        var process = new MinioServerProcess(launch, configuration, Port(args, "--address", 9000), Port(args, "--console-address", 0), s3, defaulted);
        process.Begin();
        return process;
    }

    private static FailedProcess Fatal(ContainerLaunch launch, string error, string advice, string hint)
    {
        var lines = new List<string> { $"      > {advice}" };
        if (hint.Length > 0)
        {
            lines.Add("      HINT:");
            lines.Add($"        {hint}");
        }
        return new FailedProcess(launch, new ProgramExitException(lines[^1], 1, [$"FATAL {error}", .. lines.SkipLast(1)]));
    }

    // The words after "server": from argv, a shell script, or the image's entrypoint with args only.
    private static IReadOnlyList<string>? ServerArguments(ContainerLaunch launch)
    {
        foreach (var command in ShellCommand.CommandsOf(launch.Argv))
        {
            if (ShellCommand.ArgumentsOf(command, ["minio", "server"]) is { } args)
                return args;
        }
        var repository = launch.Image.Split('@')[0];
        repository = repository.Contains(':', StringComparison.Ordinal) && repository.LastIndexOf(':') > repository.LastIndexOf('/') ? repository[..repository.LastIndexOf(':')] : repository;
        if (launch.Command.Count == 0 && s_images.Contains(repository) && launch.Args.Count > 0 && launch.Args[0] == "server")
            return launch.Args.Skip(1).ToList();
        return null;
    }

    // ":9000", "0.0.0.0:9000" or "9000"; the default when absent (0: not served).
    private static int Port(IReadOnlyList<string> args, string option, int fallback)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var value = args[i].StartsWith(option + "=", StringComparison.Ordinal) ? args[i][(option.Length + 1)..]
                : args[i] == option && i + 1 < args.Count ? args[i + 1] : null;
            if (value is not null && int.TryParse(value[(value.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port))
                return port;
        }
        return fallback;
    }
}
