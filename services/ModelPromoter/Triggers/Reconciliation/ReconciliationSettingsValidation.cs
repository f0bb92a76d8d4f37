using Microsoft.Extensions.Options;
using Mlops.ModelPromoter.Sagas;

namespace Mlops.ModelPromoter.Triggers.Reconciliation;

/// <summary>Checks the <c>ModelPromoter:Reconciliation</c> section at start.</summary>
public sealed class ReconciliationSettingsValidation : IValidateOptions<ReconciliationSettings>
{
    public ValidateOptionsResult Validate(string? name, ReconciliationSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        PromotionSettingsValidation.Within(problems, nameof(ReconciliationSettings.Interval), options.Interval, TimeSpan.FromDays(1), ReconciliationSettings.Section);
        if (options.FirstPassDelay < TimeSpan.Zero || options.FirstPassDelay > TimeSpan.FromHours(1))
            problems.Add($"{ReconciliationSettings.Section}:{nameof(ReconciliationSettings.FirstPassDelay)} must be zero or more and at most 01:00:00 (got {options.FirstPassDelay}).");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
