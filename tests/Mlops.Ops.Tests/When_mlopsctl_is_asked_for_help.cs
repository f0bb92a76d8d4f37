namespace Mlops.Ops.Tests;

/// <summary><c>--help</c> on every command of the tree, found by walking the help itself: each says what it does and gives an example.</summary>
public sealed class When_mlopsctl_is_asked_for_help
{
    [Fact]
    public async Task Should_show_an_example_on_every_command()
    {
        var seen = new List<string>();
        var missing = new List<string>();
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out var path))
        {
            var help = await Mlopsctl.RunAsync((OpsHost?)null, [.. path, "--help"]);
            Assert.True(help.ExitCode == 0, $"mlopsctl {string.Join(' ', path)} --help exited {help.ExitCode}: {help.Error}");
            seen.Add(string.Join(' ', path));
            if (!help.Output.Contains("Example: mlopsctl", StringComparison.Ordinal))
                missing.Add(string.Join(' ', path));
            foreach (var sub in Subcommands(help.Output))
                pending.Enqueue([.. path, sub]);
        }
        Assert.Empty(missing);
        foreach (var command in new[] { "sagas replay", "stack apply", "train start", "errors move", "promote", "approve", "rollback", "unserve", "models", "logs", "flows show" })
            Assert.Contains(command, seen);
    }

    // The first word of each entry under "Commands:", where each entry starts at two spaces of indent.
    private static IEnumerable<string> Subcommands(string help) =>
        help.Split('\n').SkipWhile(l => l.TrimEnd() != "Commands:").Skip(1)
            .TakeWhile(l => l.Length == 0 || l.StartsWith("  ", StringComparison.Ordinal))
            .Where(l => l.Length > 2 && l[2] != ' ')
            .Select(l => l.Trim().Split(' ')[0]);
}
