using CsCheck;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// Text as an attacker or a broken client sends it: ASCII, control characters, separators and escapes, look-alike letters
/// from other scripts, lone surrogates, and the rest of Unicode.
/// </summary>
public static class HostileText
{
    /// <summary>Characters that look like ASCII letters in the names people give models (Cyrillic, Greek, fullwidth, Kelvin…).</summary>
    public static readonly IReadOnlyDictionary<char, char[]> Confusables = new Dictionary<char, char[]>
    {
        ['a'] = ['\u0430', '\u03b1', '\uff41'],
        ['c'] = ['\u0441', '\u03f2', '\uff43'],
        ['e'] = ['\u0435', '\uff45'],
        ['i'] = ['\u0456', '\u0131', '\uff49'],
        ['k'] = ['\u212a', '\u043a', '\u03ba'],
        ['l'] = ['\u04cf', '\u217c', '\uff4c'],
        ['n'] = ['\u0578', '\uff4e'],
        ['o'] = ['\u043e', '\u03bf', '\u0585', '\uff4f'],
        ['p'] = ['\u0440', '\u03c1'],
        ['s'] = ['\u0455', '\uff53'],
        ['x'] = ['\u0445', '\u03c7'],
        ['_'] = ['\uff3f', '\u2017'],
    };

    private const string Awkward = "/\\.%:+?#&=\"'`<>{}[]$*~|!@^ \t\r\n\0\u0007\u001b\u007f\u0085\u00a0\u200b\u200d\u202e\ufeff\ufffd";

    /// <summary>One character: mostly printable ASCII, often an awkward one, sometimes any UTF-16 code unit (lone surrogates included).</summary>
    public static readonly Gen<char> Char = Gen.Frequency(
        (6, Gen.Char[' ', '~']),
        (3, Gen.Char[Awkward]),
        (2, Gen.Char[string.Concat(Confusables.Values.SelectMany(c => c))]),
        (1, Gen.Char));

    public static readonly Gen<string> Any = Gen.String[Char, 0, 40];

    /// <summary>A model name as people write them: letters, digits, '_' and '-'.</summary>
    public static readonly Gen<string> ModelName = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_-"], 1, 30]
        .Where(n => n.Any(char.IsAsciiLetter));

    /// <summary>A model name and the same name with one letter replaced by a look-alike from another script.</summary>
    public static readonly Gen<(string Name, string LookAlike)> NameAndLookAlike =
        from name in ModelName.Where(n => n.Any(Confusables.ContainsKey))
        from seed in Gen.Int[0, int.MaxValue]
        select (name, Spoof(name, seed));

    private static string Spoof(string name, int seed)
    {
        var positions = Enumerable.Range(0, name.Length).Where(i => Confusables.ContainsKey(name[i])).ToArray();
        var at = positions[seed % positions.Length];
        var choices = Confusables[name[at]];
        return string.Concat(name.AsSpan(0, at), choices[seed / positions.Length % choices.Length].ToString(), name.AsSpan(at + 1));
    }
}
