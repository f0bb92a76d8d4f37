using System.Text.RegularExpressions;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// What a model name, a version and an alias from outside (a command, a webhook, a MinIO key's run) must look like before
/// a promotion is built on them; the registry itself is asked later.
/// </summary>
public static partial class PromotionRequestRules
{
    /// <summary>MLflow keeps names up to 256 characters in its SQL stores.</summary>
    public const int MaxModelNameLength = 256;

    /// <summary>Why the request cannot be a promotion, or null when it can.</summary>
    public static string? Problem(string? modelName, string? version, string? alias)
    {
        if (string.IsNullOrWhiteSpace(modelName))
            return "the model name is empty";
        if (modelName.Length > MaxModelNameLength)
            return $"the model name is {modelName.Length} characters long, more than MLflow's {MaxModelNameLength}";
        if (modelName.Any(char.IsControl))
            return "the model name holds control characters";
        // The name is carried in models:/<name>/<version> URIs, which a '/' or ':' would take apart and which decode '%' escapes.
        if (modelName.IndexOfAny(['/', ':', '%']) >= 0)
            return $"the model name '{Printable(modelName)}' holds '/', ':' or '%', which models:/ URIs cannot carry as they are";
        if (!IsVersion(version))
            return $"version '{Printable(version)}' is not a registry version (a positive whole number such as 7)";
        if (alias is not null && !IsAlias(alias))
            return $"alias '{Printable(alias)}' is not an MLflow alias (letters, digits, '_' and '-', up to 255, not 'latest' nor v<number>)";
        return null;
    }

    /// <summary>MLflow's version numbers: 1, 2, 3 …</summary>
    public static bool IsVersion(string? version) => version is not null && VersionPattern().IsMatch(version);

    /// <summary>MLflow's alias rule: word characters and '-', not <c>latest</c> and not a version reference like <c>v7</c>.</summary>
    public static bool IsAlias(string alias) =>
        AliasPattern().IsMatch(alias) && !string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase) && !VersionAliasPattern().IsMatch(alias);

    /// <summary>A value from outside, safe to put in a log line or a reason: control characters replaced, length bounded.</summary>
    public static string Printable(string? value)
    {
        if (value is null)
            return "";
        var cleaned = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return cleaned.Length <= 80 ? cleaned : cleaned[..79] + "…";
    }

    [GeneratedRegex("^[1-9][0-9]{0,9}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[vV][0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionAliasPattern();
}
