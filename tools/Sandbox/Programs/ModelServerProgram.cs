using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// Recognises a model server container: one whose argv runs <c>mlflow models serve …</c> (directly, through
/// <c>python -m mlflow</c>, or as a command of a <c>sh -c</c> script, where a preceding <c>pip install x y</c> adds those
/// libraries). The image must carry MLflow (<see cref="ImageLibraries"/>); otherwise the command is not found.
/// </summary>
public sealed class ModelServerProgram : IContainerProgram
{
    private static readonly string[] s_serve = ["mlflow", "models", "serve"];

    private readonly ImageLibraries _images;
    private readonly ModelLoader _loader;
    private readonly TimeProvider _time;

    public ModelServerProgram(ClusterAddresses cluster, IConfiguration section, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _images = new ImageLibraries(section);
        _loader = new ModelLoader(cluster, ModelServerOptions.From(section), _time);
    }

    public IContainerProcess? Start(ContainerLaunch launch)
    {
        var commands = ShellCommand.CommandsOf(launch.Argv);
        var libraries = new Dictionary<string, string?>(_images.Of(launch.Image), StringComparer.Ordinal);
        foreach (var command in commands)
        {
            if (PipInstalled(command) is { } installed)
            {
                foreach (var package in installed)
                    libraries[package] = null;
                continue;
            }
            if (ShellCommand.ArgumentsOf(command, s_serve) is not { } args)
                continue;
            var version = _images.MlflowVersionOf(launch.Image);
            if (!libraries.ContainsKey("mlflow"))
                return new FailedProcess(launch, NotFound(launch, command));
            ServeCommand serve;
            try
            {
                serve = ServeCommand.Parse(args, launch.Env, mlflow3: !version.StartsWith("2.", StringComparison.Ordinal) && !version.StartsWith("1.", StringComparison.Ordinal));
            }
            catch (ProgramExitException usage)
            {
                return new FailedProcess(launch, usage);
            }
            var process = new ModelServerProcess(launch, serve, libraries, version, _loader, _time);
            process.Begin();
            return process;
        }
        return null;
    }

    // pip install a b==1.0 → a, b (module names as imported: scikit-learn is sklearn).
    private static List<string>? PipInstalled(IReadOnlyList<string> command)
    {
        var args = ShellCommand.ArgumentsOf(command, ["pip", "install"]) ?? ShellCommand.ArgumentsOf(command, ["pip3", "install"]);
        return args?.Where(a => !a.StartsWith('-'))
            .Select(a => a.Split(['=', '<', '>', '~', '!', '['], 2)[0].ToLowerInvariant())
            .Select(p => p switch { "scikit-learn" => "sklearn", "pytorch" => "torch", _ => p.Replace('-', '_') })
            .ToList();
    }

    // How the container fails when the program is not in the image: the shell says so, or the runtime cannot exec it.
    private static ProgramExitException NotFound(ContainerLaunch launch, IReadOnlyList<string> command)
    {
        if (ShellCommand.ThroughPython(command))
            return new ProgramExitException($"/usr/local/bin/python: No module named mlflow", 1);
        return ShellCommand.CommandsOf(launch.Argv).Count == 1 && launch.Argv.Count > 0 && launch.Argv[0] == command[0]
            ? new ProgramExitException($"exec: \"{command[0]}\": executable file not found in $PATH", 127)
            : new ProgramExitException($"/bin/sh: 1: {command[0]}: not found", 127);
    }
}
