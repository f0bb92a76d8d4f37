using Microsoft.Extensions.Options;

namespace Mlops.ModelPromoter.Triggers.Minio;

/// <summary>Checks the <c>ModelPromoter:Minio</c> section at start.</summary>
public sealed class BucketNotificationSettingsValidation : IValidateOptions<BucketNotificationSettings>
{
    private static readonly string[] ExchangeTypes = ["fanout", "direct", "topic", "headers"];

    public ValidateOptionsResult Validate(string? name, BucketNotificationSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!IsAmqpName(options.Exchange))
            problems.Add($"{BucketNotificationSettings.Section}:{nameof(BucketNotificationSettings.Exchange)} must be an exchange name (1 to 255 letters, digits, '-', '_', '.', ':'; got '{options.Exchange}').");
        if (!ExchangeTypes.Contains(options.ExchangeType, StringComparer.Ordinal))
            problems.Add($"{BucketNotificationSettings.Section}:{nameof(BucketNotificationSettings.ExchangeType)} must be one of {string.Join(", ", ExchangeTypes)} (got '{options.ExchangeType}').");
        if (!IsAmqpName(options.Queue))
            problems.Add($"{BucketNotificationSettings.Section}:{nameof(BucketNotificationSettings.Queue)} must be a queue name (got '{options.Queue}').");
        if (options.RoutingKey.Length > 255 || options.RoutingKey.Any(char.IsControl))
            problems.Add($"{BucketNotificationSettings.Section}:{nameof(BucketNotificationSettings.RoutingKey)} must be at most 255 printable characters.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsAmqpName(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 255 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
