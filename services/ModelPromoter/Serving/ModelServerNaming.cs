using System.Security.Cryptography;
using System.Text;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// Kubernetes names from MLflow names: lowercase, every character outside <c>[a-z0-9]</c> becomes <c>-</c> (runs of them one),
/// no <c>-</c> at either end, and short enough that <c>mlflow-model-&lt;name&gt;-server</c> is a Service name (63 characters).
/// <c>cnn_classifier</c> becomes <c>mlflow-model-cnn-classifier-server</c>. A name cut for length, and the second of two
/// models whose names sanitise alike, carry a stable suffix: the first 8 hex digits of the SHA-256 of the MLflow name.
/// </summary>
public static class ModelServerNaming
{
    public const string Prefix = "mlflow-model-";

    public const string Suffix = "-server";

    /// <summary>The longest dns name that fits: 63 minus the prefix and the suffix.</summary>
    public const int MaxLabelLength = 63 - 13 - 7;

    private const int HashLength = 8;

    /// <summary>
    /// The names to claim, in order: the plain one, then the one with the hash suffix (a single name when the plain one
    /// was already cut for length and so carries the suffix).
    /// </summary>
    /// <exception cref="ServingRefusedException">The name has no letter or digit a Kubernetes name can use.</exception>
    public static IReadOnlyList<ModelServerName> Candidates(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        var sanitised = Sanitise(modelName);
        if (sanitised.Length == 0)
        {
            throw new ServingRefusedException(
                $"model name '{modelName}' gives no Kubernetes name: it has no ASCII letter or digit (names become lowercase a-z, 0-9 and '-')");
        }
        var hashed = WithHash(sanitised, modelName);
        return sanitised.Length <= MaxLabelLength
            ? [Named(sanitised), Named(hashed)]
            : [Named(hashed)];
    }

    /// <summary>Lowercase ASCII letters and digits kept, anything else one <c>-</c>, trimmed; empty when nothing is left.</summary>
    public static string Sanitise(string modelName)
    {
        var text = new StringBuilder(modelName.Length);
        foreach (var c in modelName.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                text.Append(c);
            else if (text.Length > 0 && text[^1] != '-')
                text.Append('-');
        }
        return text.ToString().Trim('-');
    }

    private static string WithHash(string sanitised, string modelName)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelName)))[..HashLength];
        var room = MaxLabelLength - HashLength - 1;
        var stem = sanitised.Length <= room ? sanitised : sanitised[..room].TrimEnd('-');
        return $"{stem}-{hash}";
    }

    private static ModelServerName Named(string label) => new(label, Prefix + label + Suffix);
}
