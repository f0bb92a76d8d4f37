using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// The bearer tokens the ops API accepts, each with the name of the person or system it belongs to: <c>Ops:Tokens:&lt;name&gt;</c>
/// = token, and the files of <c>Ops:TokenDirectory</c> (a mounted Secret: file name = owner, content = token).
/// </summary>
public sealed partial class OpsTokens
{
    /// <summary>The shortest token accepted; a shorter one is refused at start-up.</summary>
    public const int MinTokenLength = 16;

    private readonly IReadOnlyList<(string Owner, byte[] Hash)> _tokens;

    private OpsTokens(IReadOnlyList<(string Owner, byte[] Hash)> tokens) => _tokens = tokens;

    /// <summary>The owners' names, for the start-up log (never the tokens).</summary>
    public IReadOnlyList<string> Owners => _tokens.Select(t => t.Owner).ToArray();

    /// <summary>The tokens themselves, so saga data that quotes one is masked.</summary>
    internal IReadOnlyList<string> Values { get; private init; } = [];

    /// <summary>Reads and checks every token; a malformed one stops the service with a message naming its key, never its value.</summary>
    public static OpsTokens From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<(string Owner, string Token, string Source)>();
        foreach (var entry in configuration.GetSection("Ops:Tokens").GetChildren())
            found.Add((entry.Key, entry.Value ?? "", $"Ops:Tokens:{entry.Key}"));
        if (configuration["Ops:TokenDirectory"] is { Length: > 0 } directory)
        {
            if (!Directory.Exists(directory))
                throw new InvalidOperationException($"Ops:TokenDirectory '{directory}' does not exist.");
            // Kubernetes mounts a Secret's keys as files next to ..data links and hidden folders; those are not tokens.
            foreach (var file in Directory.EnumerateFiles(directory).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
                found.Add((Path.GetFileName(file), File.ReadAllText(file).Trim(), $"Ops:TokenDirectory file {Path.GetFileName(file)}"));
        }

        var errors = new List<string>();
        foreach (var (owner, token, source) in found)
        {
            if (!OwnerName().IsMatch(owner))
                errors.Add($"{source}: the owner name must be 1 to 100 letters, digits or . _ @ + - characters.");
            if (token.Length < MinTokenLength)
                errors.Add($"{source}: the token must have at least {MinTokenLength} characters.");
            else if (token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                errors.Add($"{source}: the token must not contain spaces or control characters.");
        }
        foreach (var duplicate in found.GroupBy(f => f.Owner, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            errors.Add($"Owner '{duplicate.Key}' has more than one token ({string.Join(", ", duplicate.Select(d => d.Source))}).");
        foreach (var shared in found.GroupBy(f => f.Token, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add($"{string.Join(" and ", shared.Select(s => s.Source))} share one token: each owner needs a token of their own.");
        if (errors.Count > 0)
            throw new InvalidOperationException("The ops API tokens are invalid:" + string.Concat(errors.Select(e => "\n - " + e)));

        return new OpsTokens(found.Select(f => (f.Owner, Hash(f.Token))).ToArray()) { Values = found.Select(f => f.Token).ToArray() };
    }

    /// <summary>
    /// The owner of <paramref name="presented"/>, or null. Every token is compared, each in constant time (over hashes of equal
    /// length), so the time taken tells nothing about which token or how much of one matched.
    /// </summary>
    public string? Authenticate(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
            return null;
        var hash = Hash(presented);
        string? owner = null;
        foreach (var (name, expected) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
                owner = name;
        }
        return owner;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [GeneratedRegex(@"^[A-Za-z0-9._@+-]{1,100}$")]
    private static partial Regex OwnerName();
}
