using System.Globalization;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Sandbox.Programs;

namespace Mlops.Sandbox.Training;

/// <summary>
/// What a training Job asks for, read from its first container like <c>train.py</c> reads its command line and env
/// (also when it runs inside <c>sh -c "…"</c>): <c>--arch</c>, <c>--epochs</c>, <c>--learning_rate</c>,
/// <c>--registered-model-name</c>, and the sandbox's switches <c>--sandbox-fail</c>, <c>--sandbox-accuracy &lt;0..1&gt;</c>,
/// <c>--sandbox-fail-registration</c>, <c>--sandbox-logged-model</c> (MLflow 3 layout), <c>--sandbox-multipart-mlmodel</c>
/// (or the env <c>SANDBOX_TRAINING_FAIL=true</c>, <c>SANDBOX_TRAINING_ACCURACY</c>, <c>SANDBOX_TRAINING_FAIL_REGISTRATION=true</c>,
/// <c>SANDBOX_TRAINING_LOGGED_MODEL=true</c>, <c>SANDBOX_TRAINING_MULTIPART_MLMODEL=true</c>).
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

    /// <summary>Log the model as MLflow 3 does: a logged model <c>m-&lt;id&gt;</c> under <c>&lt;experiment&gt;/models/&lt;id&gt;/artifacts</c>, registered by its <c>models:/</c> URI.</summary>
    public bool LoggedModel { get; init; }

    /// <summary>Upload MLmodel as a multipart upload (its event is CompleteMultipartUpload, its ETag ends in <c>-1</c>).</summary>
    public bool MultipartMlmodel { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The request of a training Job, or null for other Jobs. A Job trains when its first container runs
    /// <c>train.py</c> (command, args, or a command of its <c>sh -c</c> script) or has <c>MLFLOW_RUN_ID</c> in its env.
    /// </summary>
    public static TrainingRequest? From(JobCompletion job)
    {
        var container = job.Job.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        if (container is null)
            return null;
        var commands = ShellCommand.CommandsOf([.. container.Command ?? [], .. container.Args ?? []]);
        var training = commands.FirstOrDefault(c => c.Any(w => w.EndsWith("train.py", StringComparison.Ordinal)));
        if (training is null && !job.Env.ContainsKey("MLFLOW_RUN_ID"))
            return null;
        var words = (training ?? (commands.Count > 0 ? commands[0] : [])).ToList();

        var options = Options(words);
        var env = job.Env;
        return new TrainingRequest
        {
            Arch = options.GetValueOrDefault("arch") ?? "vgg16",
            Epochs = (int)Number("epochs", options.GetValueOrDefault("epochs") ?? "5", integer: true),
            LearningRate = Number("learning_rate", options.GetValueOrDefault("learning_rate") ?? options.GetValueOrDefault("lr") ?? "0.001", integer: false),
            RegisteredModelName = options.GetValueOrDefault("registered_model_name") is { Length: > 0 } model ? model : null,
            Fail = options.ContainsKey("sandbox_fail") || IsTrue(env.GetValueOrDefault("SANDBOX_TRAINING_FAIL")),
            Accuracy = (options.GetValueOrDefault("sandbox_accuracy") ?? env.GetValueOrDefault("SANDBOX_TRAINING_ACCURACY")) is { Length: > 0 } accuracy
                ? Number("sandbox_accuracy", accuracy, integer: false)
                : null,
            FailRegistration = options.ContainsKey("sandbox_fail_registration") || IsTrue(env.GetValueOrDefault("SANDBOX_TRAINING_FAIL_REGISTRATION")),
            LoggedModel = options.ContainsKey("sandbox_logged_model") || IsTrue(env.GetValueOrDefault("SANDBOX_TRAINING_LOGGED_MODEL")),
            MultipartMlmodel = options.ContainsKey("sandbox_multipart_mlmodel") || IsTrue(env.GetValueOrDefault("SANDBOX_TRAINING_MULTIPART_MLMODEL")),
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

    // argparse's refusal of a malformed number: usage on stderr, exit code 2.
    private static double Number(string option, string text, bool integer)
    {
        var ok = integer
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) && whole > 0 ? (double?)whole : null
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? real : null;
        return ok ?? throw new ProgramExitException(
            $"train.py: error: argument --{option.Replace('_', '-')}: invalid {(integer ? "int" : "float")} value: '{text}'", 2, ["usage: train.py [-h] [--save_dir SAVE_DIR] [--arch ARCH] [--epochs EPOCHS] [--learning_rate LEARNING_RATE]"]);
    }

    private static bool IsTrue(string? value) =>
        value?.ToLowerInvariant() is "true" or "1" or "yes" or "on";
}
