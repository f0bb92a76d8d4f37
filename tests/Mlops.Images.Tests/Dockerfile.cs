namespace Mlops.Images.Tests;

/// <summary>
/// A Dockerfile read as BuildKit reads it, as far as these tests need: parser directives and comments dropped, lines ending
/// in a backslash joined, instructions grouped into stages by FROM (global ARGs before the first).
/// </summary>
public sealed class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerfileInstruction> globalArgs, IReadOnlyList<DockerfileStage> stages)
    {
        Path = path;
        GlobalArgs = globalArgs;
        Stages = stages;
    }

    /// <summary>Where it is, relative to the repository root, with forward slashes.</summary>
    public string Path { get; }

    public IReadOnlyList<DockerfileInstruction> GlobalArgs { get; }

    public IReadOnlyList<DockerfileStage> Stages { get; }

    /// <summary>The stage the image is made of.</summary>
    public DockerfileStage Final => Stages[^1];

    public IEnumerable<DockerfileInstruction> Instructions => GlobalArgs.Concat(Stages.SelectMany(s => s.Instructions));

    /// <summary>The directory the Dockerfile is in, relative to the repository root.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!.Replace('\\', '/');

    public static Dockerfile Read(string repositoryRoot, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var instructions = ReadInstructions(File.ReadAllLines(System.IO.Path.Combine(repositoryRoot, relativePath)));
        var globalArgs = new List<DockerfileInstruction>();
        var stages = new List<(DockerfileInstruction From, List<DockerfileInstruction> Body)>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
                stages.Add((instruction, []));
            else if (stages.Count == 0)
                globalArgs.Add(instruction.Keyword == "ARG"
                    ? instruction
                    : throw new FormatException($"{relativePath}:{instruction.Line}: {instruction.Keyword} before the first FROM"));
            else
                stages[^1].Body.Add(instruction);
        }
        if (stages.Count == 0)
            throw new FormatException($"{relativePath} has no FROM");
        return new Dockerfile(relativePath.Replace('\\', '/'), globalArgs, stages.Select(s => Stage(relativePath, s.From, s.Body)).ToList());
    }

    private static DockerfileStage Stage(string path, DockerfileInstruction from, List<DockerfileInstruction> body)
    {
        var operands = from.Operands;
        if (operands.Count is not (1 or 3) || (operands.Count == 3 && !operands[1].Equals("AS", StringComparison.OrdinalIgnoreCase)))
            throw new FormatException($"{path}:{from.Line}: FROM {from.Arguments} is not FROM [--platform=…] image [AS name]");
        return new DockerfileStage(operands[0], operands.Count == 3 ? operands[2] : null, body);
    }

    private static List<DockerfileInstruction> ReadInstructions(string[] lines)
    {
        var result = new List<DockerfileInstruction>();
        var pending = new System.Text.StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            // Comments (parser directives such as `# syntax=` among them) are whole lines; inside a continuation they are skipped too.
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
                continue;
            if (pending.Length == 0)
                start = i + 1;
            var continues = line.EndsWith('\\');
            pending.Append(continues ? line[..^1] : line).Append(' ');
            if (continues)
                continue;
            var text = pending.ToString().Trim();
            pending.Clear();
            if (text.Length == 0)
                continue;
            var parts = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            result.Add(new DockerfileInstruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1] : "", start));
        }
        if (pending.Length > 0)
            throw new FormatException($"line {start}: a continuation runs past the end of the file");
        return result;
    }
}
