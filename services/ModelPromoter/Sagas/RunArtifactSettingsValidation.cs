using Microsoft.Extensions.Options;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>Checks the <c>ModelPromoter:Runs</c> section at start.</summary>
public sealed class RunArtifactSettingsValidation : IValidateOptions<RunArtifactSettings>
{
    public ValidateOptionsResult Validate(string? name, RunArtifactSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        PromotionSettingsValidation.Within(problems, nameof(RunArtifactSettings.VersionWaitTimeout), options.VersionWaitTimeout, TimeSpan.FromDays(7), RunArtifactSettings.Section);
        PromotionSettingsValidation.Within(problems, nameof(RunArtifactSettings.VersionPollInterval), options.VersionPollInterval, TimeSpan.FromHours(1), RunArtifactSettings.Section);
        PromotionSettingsValidation.Within(problems, nameof(RunArtifactSettings.StepDeadline), options.StepDeadline, TimeSpan.FromDays(1), RunArtifactSettings.Section);
        if (options.RegistrationGrace < TimeSpan.Zero || options.RegistrationGrace > options.VersionWaitTimeout)
            problems.Add($"{RunArtifactSettings.Section}:{nameof(RunArtifactSettings.RegistrationGrace)} must be zero or more and at most VersionWaitTimeout (got {options.RegistrationGrace}).");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
