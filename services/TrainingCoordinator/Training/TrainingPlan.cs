using Mlops.Contracts;

namespace Mlops.TrainingCoordinator.Training;

/// <summary>
/// A validated <see cref="StartTraining"/> with its defaults applied, as the run keeps it: the command and the final
/// arguments (parameters merged in), the timeout in effect, the runner. Settings changed later do not change a run in flight.
/// </summary>
public sealed class TrainingPlan
{
    /// <summary>The original stack's command: <c>python train.py</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultCommand = ["python", "train.py"];

    /// <summary>The original stack's arguments: <c>--save_dir models --arch vgg16 --epochs 5</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultArguments = ["--save_dir", "models", "--arch", "vgg16", "--epochs", "5"];

    public string StackName { get; set; } = "";

    public string ModelName { get; set; } = "";

    public string ExperimentName { get; set; } = "";

    public string Image { get; set; } = "";

    public List<string> Command { get; set; } = [];

    /// <summary>The arguments the container gets: the request's (or the defaults), parameters merged in.</summary>
    public List<string> Arguments { get; set; } = [];

    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    public TrainingResources? Resources { get; set; }

    public List<TrainingVolume> Volumes { get; set; } = [];

    public List<string> ImagePullSecrets { get; set; } = [];

    public string? ServiceAccount { get; set; }

    /// <summary>The namespace asked for; null: the stack's own.</summary>
    public string? Namespace { get; set; }

    /// <summary><see cref="StartTraining.JobRunner"/> or <see cref="StartTraining.ArgoRunner"/>.</summary>
    public string Runner { get; set; } = StartTraining.JobRunner;

    public TimeSpan Timeout { get; set; }

    public bool ScriptRegistersModel { get; set; }

    public string? RequestedBy { get; set; }

    public bool UsesArgo => Runner == StartTraining.ArgoRunner;

    /// <summary>The plan of a request that passed <see cref="TrainingRequestRules"/>.</summary>
    public static TrainingPlan From(StartTraining request, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        return new TrainingPlan
        {
            StackName = request.StackName,
            ModelName = request.ModelName,
            ExperimentName = request.ExperimentName,
            Image = request.Image.Trim(),
            Command = request.Command.Count > 0 ? [.. request.Command] : [.. DefaultCommand],
            Arguments = ArgumentsOf(request),
            Parameters = new Dictionary<string, string>(request.Parameters, StringComparer.Ordinal),
            Resources = request.Resources,
            Volumes = [.. request.Volumes],
            ImagePullSecrets = [.. request.ImagePullSecrets],
            ServiceAccount = request.ServiceAccount,
            Namespace = request.Namespace,
            Runner = request.Runner.Trim().ToLowerInvariant(),
            Timeout = request.Timeout ?? settings.DefaultTimeout,
            ScriptRegistersModel = request.ScriptRegistersModel,
            RequestedBy = request.RequestedBy,
        };
    }

    /// <summary>
    /// The request's arguments, or the defaults after the training data's mount path; then each parameter as
    /// <c>--name value</c>, replacing the value of an argument of that name (in order of the names, so the result is stable).
    /// </summary>
    public static List<string> ArgumentsOf(StartTraining request)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<string> arguments;
        if (request.Arguments.Count > 0)
        {
            arguments = [.. request.Arguments];
        }
        else
        {
            arguments = [];
            if (request.Volumes.FirstOrDefault(v => v.TrainingData) is { } data)
                arguments.Add(data.MountPath);
            arguments.AddRange(DefaultArguments);
        }
        foreach (var (name, value) in request.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            SetOption(arguments, name, value);
        return arguments;
    }

    /// <summary>The value of <c>--name</c> in the arguments (<c>--name value</c> or <c>--name=value</c>), the last one winning as in argparse.</summary>
    public static string? OptionValue(IReadOnlyList<string> arguments, string name, out bool present)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        present = false;
        string? value = null;
        var flag = "--" + name;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == flag)
            {
                present = true;
                value = i + 1 < arguments.Count ? arguments[i + 1] : null;
            }
            else if (arguments[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                present = true;
                value = arguments[i][(flag.Length + 1)..];
            }
        }
        return value;
    }

    private static void SetOption(List<string> arguments, string name, string value)
    {
        var flag = "--" + name;
        var replaced = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == flag && i + 1 < arguments.Count)
            {
                arguments[i + 1] = value;
                replaced = true;
            }
            else if (arguments[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                arguments[i] = $"{flag}={value}";
                replaced = true;
            }
        }
        if (!replaced)
        {
            arguments.Add(flag);
            arguments.Add(value);
        }
    }
}
