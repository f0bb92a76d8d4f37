using System.Text;
using System.Text.RegularExpressions;

namespace Mlops.Images.Tests;

/// <summary>
/// A <c>.dockerignore</c> as the builder applies it: patterns relative to the context root, <c>**</c> for any number of
/// directories, a leading <c>!</c> re-including, the last matching line deciding; a pattern that matches a directory
/// excludes what is in it.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules;

    private DockerIgnore(List<(Regex, bool)> rules) => _rules = rules;

    public static DockerIgnore Read(string path) => Parse(File.ReadAllLines(path));

    public static DockerIgnore Parse(IEnumerable<string> lines) => new(lines
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.StartsWith('!') ? (ToRegex(line[1..]), false) : (ToRegex(line), true))
        .ToList());

    /// <summary>Whether the path (relative to the context, forward slashes) stays out of the context.</summary>
    public bool Excludes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Trim('/').Split('/');
        // The file itself or any directory above it.
        var candidates = Enumerable.Range(1, segments.Length).Select(n => string.Join('/', segments[..n])).ToList();
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (candidates.Any(pattern.IsMatch))
                excluded = exclude;
        }
        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var clean = pattern.Trim().TrimStart('/').TrimEnd('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < clean.Length; i++)
        {
            var c = clean[i];
            if (c == '*' && i + 1 < clean.Length && clean[i + 1] == '*')
            {
                // `**/` is zero or more directories; a trailing `**` anything below.
                if (i + 2 < clean.Length && clean[i + 2] == '/')
                {
                    regex.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    regex.Append(".*");
                    i++;
                }
            }
            else if (c == '*')
                regex.Append("[^/]*");
            else if (c == '?')
                regex.Append("[^/]");
            else
                regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
