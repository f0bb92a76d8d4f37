using System.Text.RegularExpressions;

namespace Mlops.Ctl;

/// <summary>
/// A fault reason from an error queue's headers with the secrets it may quote masked, as the services' ops API masks
/// theirs: credentials in URLs and <c>password=…</c>-style pairs. mlopsctl does not know the services' configured secrets,
/// so only what looks like a secret is hidden.
/// </summary>
internal static partial class FaultText
{
    public const string Masked = "***";

    public static string? Mask(string? text)
    {
        if (text is null)
            return null;
        text = UrlCredentials().Replace(text, m => m.Groups["scheme"].Value + Masked + "@");
        return SecretPair().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Masked);
    }

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@", RegexOptions.None, 1000)]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?i)\b(?<name>password|passwd|pwd|secret|secretkey|secret_key|token|apikey|api_key)(?<sep>\s*[=:]\s*)(?<value>[^;,\s]+)", RegexOptions.None, 1000)]
    private static partial Regex SecretPair();
}
