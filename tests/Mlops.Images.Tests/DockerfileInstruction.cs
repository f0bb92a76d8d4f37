using System.Text.Json;

namespace Mlops.Images.Tests;

/// <summary>One instruction of a Dockerfile, continuation lines joined: <c>COPY --from=build /app ./</c> is (COPY, its arguments).</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The arguments split on whitespace, <c>--flag=value</c> options included.</summary>
    public IReadOnlyList<string> Words => Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The <c>--name=value</c> options at the start of the arguments (COPY --from, FROM --platform).</summary>
    public IReadOnlyDictionary<string, string> Flags =>
        Words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal))
            .Select(w => w[2..].Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    /// <summary>The arguments after the options.</summary>
    public IReadOnlyList<string> Operands => Words.SkipWhile(w => w.StartsWith("--", StringComparison.Ordinal)).ToList();

    /// <summary>The exec form (<c>["dotnet", "x.dll"]</c>) as its words; null for the shell form.</summary>
    public IReadOnlyList<string>? ExecForm()
    {
        var text = Arguments.Trim();
        if (!text.StartsWith('['))
            return null;
        try
        {
            return JsonSerializer.Deserialize<List<string>>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The name=value pairs of ENV or ARG (<c>ENV A=1 B=2</c>, the legacy <c>ENV A 1</c>, <c>ARG NAME</c> without a value).
    /// </summary>
    public IReadOnlyList<(string Name, string? Value)> Assignments()
    {
        var text = Arguments.Trim();
        if (Keyword == "ENV" && !text.Split(' ', 2)[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = text.Split(' ', 2, StringSplitOptions.TrimEntries);
            return [(parts[0], parts.Length > 1 ? parts[1] : null)];
        }
        return Words.Select(word =>
        {
            var pair = word.Split('=', 2);
            return (pair[0], pair.Length > 1 ? pair[1].Trim('"', '\'') : (string?)null);
        }).ToList();
    }
}
