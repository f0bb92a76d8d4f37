using System.Globalization;
using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Training;

/// <summary>
/// What a training Job asks for, read from its first container like <c>train.py</c> reads its command line and env:
/// <c>--arch</c>, <c>--epochs</c>, <c>--learning_rate</c>, <c>--registered-model-name</c>, and the sandbox's switches
/// <c>--sandbox-fail</c>, <c>--sandbox-accuracy &lt;0..1&gt;</c>, <c>--sandbox-fail-registration</c> (or the env
/// <c>SANDBOX_TRAINING_FAIL=true</c>, <c>SANDBOX_TRAINING_ACCURACY</c>, <c>SANDBOX_TRAINING_FAIL_REGISTRATION=true</c>).
/// </summary>
public sealed record TrainingRequest
{
    public string Arch { get; init; } = "vgg16";

    public int Epochs { get; init; } = 5;

    public double LearningRate { get; init; } = 0.001;

    /// <summary>Registers a model version under this name when set.</summary>
    public string? RegisteredModelName { get; init; }

    public bool Fail { get; init; }

    /// <summary>The final accuracy to report; a computed plausible value when null.</summary>
    public double? Accuracy { get; init; }

    public bool FailRegistration { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The request of a training Job, or null for other Jobs. A Job trains when its first container runs
    /// <c>train.py</c> (command or args) or has <c>MLFLOW_RUN_ID</c> in its env.
    /// </summary>
    public static TrainingRequest? From(JobCompletion job)
    {
        var container = job.Job.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        if (container is null)
            return null;
        var words = (container.Command ?? []).Concat(container.Args ?? []).ToList();
        if (!words.Any(w => w.EndsWith("train.py", StringComparison.Ordinal)) && !job.Env.ContainsKey("MLFLOW_RUN_ID"))
            return null;

        var options = Options(words);
        var env = job.Env;
        return new TrainingRequest
        {
            Arch = options.GetValueOrDefault("arch") ?? "vgg16",
            Epochs = int.Parse(options.GetValueOrDefault("epochs") ?? "5", CultureInfo.InvariantCulture),
            LearningRate = double.Parse(options.GetValueOrDefault("learning_rate") ?? options.GetValueOrDefault("lr") ?? "0.001", CultureInfo.InvariantCulture),
            RegisteredModelName = options.GetValueOrDefault("registered_model_name") is { Length: > 0 } model ? model : null,
            Fail = options.ContainsKey("sandbox_fail") || IsTrue(env.GetValueOrDefault("SANDBOX_TRAINING_FAIL")),
            Accuracy = (options.GetValueOrDefault("sandbox_accuracy") ?? env.GetValueOrDefault("SANDBOX_TRAINING_ACCURACY")) is { Length: > 0 } accuracy
                ? double.Parse(accuracy, CultureInfo.InvariantCulture)
                : null,
            FailRegistration = options.ContainsKey("sandbox_fail_registration") || IsTrue(env.GetValueOrDefault("SANDBOX_TRAINING_FAIL_REGISTRATION")),
            Env = env,
        };
    }

    // argparse accepts "--name value" and "--name=value", and treats "-" and "_" in option names alike here.
    private static Dictionary<string, string> Options(List<string> words)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            if (!words[i].StartsWith("--", StringComparison.Ordinal))
                continue;
            var option = words[i][2..];
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            string name, value;
            if (equals >= 0)
            {
                name = option[..equals];
                value = option[(equals + 1)..];
            }
            else
            {
                name = option;
                value = i + 1 < words.Count && !words[i + 1].StartsWith("--", StringComparison.Ordinal) ? words[++i] : "true";
            }
            options[name.Replace('-', '_')] = value;
        }
        return options;
    }

    private static bool IsTrue(string? value) =>
        value?.ToLowerInvariant() is "true" or "1" or "yes" or "on";
}
