using Microsoft.Extensions.Options;

namespace Mlops.ModelPromoter.Triggers.Webhooks;

/// <summary>Checks the <c>ModelPromoter:Webhook</c> section at start; never repeats the secret.</summary>
public sealed class MlflowWebhookSettingsValidation : IValidateOptions<MlflowWebhookSettings>
{
    public ValidateOptionsResult Validate(string? name, MlflowWebhookSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(options.Secret) && !string.IsNullOrEmpty(options.SecretFile))
            problems.Add($"{MlflowWebhookSettings.Section}:Secret and {MlflowWebhookSettings.Section}:SecretFile are both set: use one.");
        if (options.Secret is { Length: > 0 and < 16 })
            problems.Add($"{MlflowWebhookSettings.Section}:Secret is shorter than 16 characters: too short to sign with.");
        if (options.Tolerance <= TimeSpan.Zero || options.Tolerance > TimeSpan.FromHours(1))
            problems.Add($"{MlflowWebhookSettings.Section}:Tolerance must be above zero and at most 01:00:00 (got {options.Tolerance}).");
        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
            problems.Add($"{MlflowWebhookSettings.Section}:MaxBodyBytes must be 1024 to 16777216 (got {options.MaxBodyBytes}).");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
