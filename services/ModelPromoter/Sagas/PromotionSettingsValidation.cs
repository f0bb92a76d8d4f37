using Microsoft.Extensions.Options;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>Checks the <c>ModelPromoter:Promotion</c> section at start; every message names the setting to fix.</summary>
public sealed class PromotionSettingsValidation : IValidateOptions<PromotionSettings>
{
    public ValidateOptionsResult Validate(string? name, PromotionSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Within(problems, nameof(PromotionSettings.StepDeadline), options.StepDeadline, TimeSpan.FromDays(1));
        Within(problems, nameof(PromotionSettings.RegistrationPollInterval), options.RegistrationPollInterval, TimeSpan.FromHours(1));
        Within(problems, nameof(PromotionSettings.RegistrationTimeout), options.RegistrationTimeout, TimeSpan.FromDays(7));
        Within(problems, nameof(PromotionSettings.StackCheckInterval), options.StackCheckInterval, TimeSpan.FromHours(1));
        Within(problems, nameof(PromotionSettings.StackWaitTimeout), options.StackWaitTimeout, TimeSpan.FromDays(30));
        Within(problems, nameof(PromotionSettings.ApprovalTimeout), options.ApprovalTimeout, TimeSpan.FromDays(365));
        Within(problems, nameof(PromotionSettings.ServingTimeout), options.ServingTimeout, TimeSpan.FromDays(30));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static void Within(List<string> problems, string key, TimeSpan value, TimeSpan max, string section = PromotionSettings.Section)
    {
        if (value <= TimeSpan.Zero || value > max)
            problems.Add($"{section}:{key} must be above zero and at most {max} (got {value}).");
    }
}
