using System.Text.Json;
using Spectre.Console;

namespace Mlops.Ctl;

/// <summary>Where a command writes: tables and progress for people, or JSON for scripts (<c>--json</c>).</summary>
public sealed class CtlOutput
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public CtlOutput(TextWriter output, TextWriter error, bool json)
    {
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        // Not a terminal (a pipe, a file, a test): no wrapping at 80 columns, which would cut ids and reasons apart.
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            Out.Profile.Width = 250;
        Raw = output;
        Error = error;
        IsJson = json;
    }

    public IAnsiConsole Out { get; }

    public TextWriter Raw { get; }

    public TextWriter Error { get; }

    public bool IsJson { get; }

    public void WriteJson(object value) => Raw.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A line of progress while waiting; on the error stream, so stdout stays clean for scripts.</summary>
    public void Progress(string line) => Error.WriteLine(line);

    public static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";
}
