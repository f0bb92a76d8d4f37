namespace Mlops.Ctl;

/// <summary>What mlopsctl reads from outside the command line: environment variables, the home and working folders.</summary>
public sealed record CtlEnvironment(IReadOnlyDictionary<string, string> Variables, string HomeDirectory, string WorkingDirectory)
{
    public static CtlEnvironment FromProcess() => new(
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        Directory.GetCurrentDirectory());

    public string? Get(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
