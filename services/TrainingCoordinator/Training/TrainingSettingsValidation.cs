using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;

namespace Mlops.TrainingCoordinator.Training;

/// <summary>Checks the <c>Training</c> section at start; every message names the setting to fix.</summary>
public sealed class TrainingSettingsValidation : IValidateOptions<TrainingSettings>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, TrainingSettings options)
    {
        var problems = new List<string>();
        Positive(problems, nameof(TrainingSettings.StackWaitTimeout), options.StackWaitTimeout, TimeSpan.FromDays(30));
        Positive(problems, nameof(TrainingSettings.DefaultTimeout), options.DefaultTimeout, options.MaxTimeout);
        Positive(problems, nameof(TrainingSettings.MaxTimeout), options.MaxTimeout, TimeSpan.FromDays(30));
        Positive(problems, nameof(TrainingSettings.OutcomeGrace), options.OutcomeGrace, Day);
        Positive(problems, nameof(TrainingSettings.TtlAfterFinished), options.TtlAfterFinished, TimeSpan.FromDays(30));
        Positive(problems, nameof(TrainingSettings.ImagePullGrace), options.ImagePullGrace, Day);
        Positive(problems, nameof(TrainingSettings.ContainerConfigGrace), options.ContainerConfigGrace, Day);
        Positive(problems, nameof(TrainingSettings.ReadyPollInterval), options.ReadyPollInterval, TimeSpan.FromHours(1));
        Positive(problems, nameof(TrainingSettings.RegistrationTimeout), options.RegistrationTimeout, Day);
        Positive(problems, nameof(TrainingSettings.StepDeadline), options.StepDeadline, Day);
        Positive(problems, nameof(TrainingSettings.ResyncInterval), options.ResyncInterval, Day);
        Positive(problems, nameof(TrainingSettings.PodCheckInterval), options.PodCheckInterval, TimeSpan.FromHours(1));
        Positive(problems, nameof(TrainingSettings.WatchRetryDelay), options.WatchRetryDelay, TimeSpan.FromHours(1));
        if (options.BackoffLimit is < 0 or > 20)
            problems.Add($"{TrainingSettings.Section}:{nameof(TrainingSettings.BackoffLimit)} must be 0 to 20 (got {options.BackoffLimit}).");
        if (options.LogTailLines is < 1 or > 500)
            problems.Add($"{TrainingSettings.Section}:{nameof(TrainingSettings.LogTailLines)} must be 1 to 500 (got {options.LogTailLines}).");
        if (string.IsNullOrWhiteSpace(options.S3Region) || options.S3Region.Any(char.IsControl))
            problems.Add($"{TrainingSettings.Section}:{nameof(TrainingSettings.S3Region)} must be a region name such as us-east-1.");
        if (string.IsNullOrWhiteSpace(options.ModelArtifactPath) || options.ModelArtifactPath.StartsWith('/') || options.ModelArtifactPath.Contains("..", StringComparison.Ordinal))
            problems.Add($"{TrainingSettings.Section}:{nameof(TrainingSettings.ModelArtifactPath)} must be a relative artifact path such as model (got '{options.ModelArtifactPath}').");
        foreach (var ns in options.Namespaces)
        {
            if (!KubernetesNames.IsLabel(ns))
                problems.Add($"{TrainingSettings.Section}:{nameof(TrainingSettings.Namespaces)} holds '{ns}', which is not a namespace name (a DNS-1123 label).");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string key, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
            problems.Add($"{TrainingSettings.Section}:{key} must be above zero and at most {max} (got {value}).");
    }
}
