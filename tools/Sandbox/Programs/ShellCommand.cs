using System.Text;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// The simple commands a container's argv runs: argv itself, or the commands of a <c>sh -c "…"</c> script (split at
/// <c>&amp;&amp;</c>, <c>||</c>, <c>;</c>, <c>|</c> and new lines, words unquoted as the shell does, leading
/// <c>exec</c>, <c>env</c> and <c>NAME=value</c> words dropped). Enough shell to read how a manifest starts a program.
/// </summary>
public static class ShellCommand
{
    private static readonly HashSet<string> s_shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh" };

    public static IReadOnlyList<IReadOnlyList<string>> CommandsOf(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0)
            return [];
        if (s_shells.Contains(Path.GetFileName(argv[0])))
        {
            // "-c", or combined flags such as "-ec": the next word is the script.
            var flag = argv.Skip(1).TakeWhile(a => a.StartsWith('-')).ToList().FindIndex(a => a.Length > 1 && a[1..].Contains('c', StringComparison.Ordinal));
            return flag >= 0 && flag + 2 < argv.Count ? Split(argv[flag + 2]) : [];
        }
        return [Simple(argv)];
    }

    /// <summary>The commands of a shell script.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Split(string script)
    {
        var commands = new List<IReadOnlyList<string>>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            if (c == '\'')
            {
                var end = script.IndexOf('\'', i + 1);
                end = end < 0 ? script.Length : end;
                word.Append(script, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (c == '"')
            {
                i++;
                for (; i < script.Length && script[i] != '"'; i++)
                {
                    if (script[i] == '\\' && i + 1 < script.Length && script[i + 1] is '"' or '\\' or '$' or '`')
                        i++;
                    word.Append(script[i]);
                }
                inWord = true;
            }
            else if (c == '\\' && i + 1 < script.Length)
            {
                if (script[i + 1] != '\n')
                    word.Append(script[i + 1]);
                inWord = inWord || script[i + 1] != '\n';
                i++;
            }
            else if (c is ' ' or '\t')
            {
                EndWord();
            }
            else if (c is ';' or '\n' or '&' or '|')
            {
                EndWord();
                if (c is '&' or '|' && i + 1 < script.Length && script[i + 1] == c)
                    i++;
                EndCommand();
            }
            else if (c == '#' && !inWord)
            {
                while (i + 1 < script.Length && script[i + 1] != '\n')
                    i++;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        EndWord();
        EndCommand();
        return commands;

        void EndWord()
        {
            if (inWord)
                words.Add(word.ToString());
            word.Clear();
            inWord = false;
        }

        void EndCommand()
        {
            if (words.Count > 0 && Simple(words) is { Count: > 0 } command)
                commands.Add(command);
            words = [];
        }
    }

    // exec and env replace the shell with the program; NAME=value words set its environment.
    private static List<string> Simple(IReadOnlyList<string> words)
    {
        var start = 0;
        while (start < words.Count && (words[start] is "exec" or "env" || IsAssignment(words[start])))
            start++;
        return words.Skip(start).ToList();
    }

    private static bool IsAssignment(string word)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && (char.IsAsciiLetter(word[0]) || word[0] == '_') && word[..equals].All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    /// <summary>
    /// The arguments after the program words when <paramref name="command"/> runs <paramref name="program"/>, e.g.
    /// <c>["mlflow", "models", "serve"]</c> matches <c>mlflow models serve …</c>, <c>/usr/local/bin/mlflow models serve …</c>
    /// and <c>python -m mlflow models serve …</c>; null otherwise.
    /// </summary>
    public static IReadOnlyList<string>? ArgumentsOf(IReadOnlyList<string> command, IReadOnlyList<string> program)
    {
        var words = command.ToList();
        if (words.Count >= 3 && Path.GetFileName(words[0]).StartsWith("python", StringComparison.Ordinal) && words[1] == "-m")
            words = words.Skip(2).ToList();
        if (words.Count < program.Count || Path.GetFileName(words[0]) != program[0])
            return null;
        for (var i = 1; i < program.Count; i++)
        {
            if (words[i] != program[i])
                return null;
        }
        return words.Skip(program.Count).ToList();
    }

    /// <summary>Whether <paramref name="command"/> starts the program through <c>python -m</c> (so a missing module reads differently).</summary>
    public static bool ThroughPython(IReadOnlyList<string> command) =>
        command.Count >= 2 && Path.GetFileName(command[0]).StartsWith("python", StringComparison.Ordinal) && command[1] == "-m";
}
