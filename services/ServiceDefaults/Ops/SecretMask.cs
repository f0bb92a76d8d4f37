using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// Hides secrets in what the ops API shows (docs/operations.md, "Masking"): values of properties whose names say they are
/// secret, the service's own secret values wherever they appear, credentials in URLs and <c>password=…</c>-style pairs.
/// </summary>
public sealed partial class SecretMask
{
    /// <summary>What a masked value is replaced with.</summary>
    public const string Masked = "***";

    /// <summary>Known secret values shorter than this are not searched for: they would mask ordinary words.</summary>
    public const int MinKnownSecretLength = 6;

    private static readonly HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "credential", "credentials",
        "apikey", "authorization", "cookie", "signature", "privatekey", "secretkey", "connectionstring",
    };

    private static readonly (string First, string Second)[] SecretPairs =
    [
        ("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"), ("signing", "key"), ("connection", "string"),
        ("client", "secret"), ("session", "key"),
    ];

    // A name ending so refers to a secret (the Secret's name, the key inside it), it does not hold one.
    private static readonly HashSet<string> ReferenceWords = new(StringComparer.Ordinal)
    {
        "name", "names", "ref", "namespace", "id", "ids", "kind", "type", "count", "at", "path", "file",
    };

    private readonly string[] _known;

    /// <param name="knownSecrets">Values to hide wherever they appear (the ops tokens, passwords from configuration).</param>
    public SecretMask(IEnumerable<string> knownSecrets)
    {
        ArgumentNullException.ThrowIfNull(knownSecrets);
        // Longest first, so a secret that contains another is hidden whole.
        _known = knownSecrets.Where(s => s.Length >= MinKnownSecretLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>
    /// A mask that knows the service's secrets: the ops tokens, every configuration value under a key whose name says it is
    /// secret (<c>RabbitMq:Password</c>, <c>Minio:SecretKey</c>), and passwords inside configured URLs and connection strings.
    /// </summary>
    public static SecretMask From(IConfiguration configuration, OpsTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(tokens);
        var known = new List<string>(tokens.Values);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value))
                continue;
            if (IsSecretName(key[(key.LastIndexOf(':') + 1)..]))
                known.Add(value);
            foreach (Match match in UrlPassword().Matches(value))
                known.Add(Uri.UnescapeDataString(match.Groups["password"].Value));
            foreach (Match match in PasswordPair().Matches(value))
                known.Add(match.Groups["value"].Value);
        }
        return new SecretMask(known);
    }

    /// <summary>Whether a property or key of this name holds a secret: e.g. Password, ApiToken, secret_key; not SecretName or AccessKeyId.</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = Words(name);
        if (words.Count == 0 || ReferenceWords.Contains(words[^1]))
            return false;
        if (words.Any(SecretWords.Contains))
            return true;
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (SecretPairs.Contains((words[i], words[i + 1])))
                return true;
        }
        return false;
    }

    /// <summary>A JSON document with its secrets masked; the input is not changed.</summary>
    public JsonNode? MaskJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var node = JsonNode.Parse(json);
        return node is null ? null : MaskNode(node, secret: false);
    }

    /// <summary>Text (an error, a reason) with known secrets, URL credentials and <c>password=…</c> pairs masked.</summary>
    public string MaskText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _known)
            text = text.Replace(secret, Masked, StringComparison.Ordinal);
        text = UrlCredentials().Replace(text, "${scheme}" + Masked + "@");
        return SecretAssignment().Replace(text, "${key}${sep}" + Masked);
    }

    private JsonNode MaskNode(JsonNode node, bool secret)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var copy = new JsonObject();
                // A Kubernetes-style {"name": "DB_PASSWORD", "value": "…"} pair: the name says what the value is.
                var pairSecret = obj.FirstOrDefault(p => p.Key.Equals("name", StringComparison.OrdinalIgnoreCase)).Value is JsonValue nameValue
                    && nameValue.TryGetValue<string>(out var pairName) && IsSecretName(pairName);
                foreach (var (key, child) in obj)
                {
                    var childSecret = IsSecretName(key) || (pairSecret && key.Equals("value", StringComparison.OrdinalIgnoreCase));
                    copy[key] = child is null ? null : MaskNode(child, childSecret);
                }
                return copy;
            }
            case JsonArray array:
                return new JsonArray(array.Select(item => item is null ? null : MaskNode(item, secret)).ToArray());
            default:
                if (secret)
                    return JsonValue.Create(Masked);
                if (node is JsonValue value && value.TryGetValue<string>(out var text))
                    return JsonValue.Create(MaskText(text));
                return node.DeepClone();
        }
    }

    // "SecretAccessKey", "secret_key", "api-token", "X.Password" → lower-case words.
    private static List<string> Words(string name)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }
            if (char.IsUpper(c) && current.Length > 0
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                Flush();
            current.Append(char.ToLowerInvariant(c));
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
                words.Add(current.ToString());
            current.Clear();
        }
    }

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:(?<password>[^/\s@]+)@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?i)\b(password|pwd)\s*=\s*(?<value>[^;]+)")]
    private static partial Regex PasswordPair();

    [GeneratedRegex(@"(?i)\b(?<key>password|passwd|pwd|secret|secretkey|secret_key|token|access_token|api_key|apikey|authorization|x-amz-signature|signature)(?<sep>\s*[=:]\s*)[^\s;&,""]+")]
    private static partial Regex SecretAssignment();
}
