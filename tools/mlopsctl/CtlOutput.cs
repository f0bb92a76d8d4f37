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
        // A spinner only where a person watches; elsewhere each change is a line, so logs and tests read it.
        ShowsStatus = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        _errorConsole = ShowsStatus
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error), Interactive = InteractionSupport.Yes })
            : null;
    }

    private readonly IAnsiConsole? _errorConsole;

    /// <summary>True when progress is a Spectre.Console status on a terminal; false when it is written as lines.</summary>
    public bool ShowsStatus { get; }

    public IAnsiConsole Out { get; }

    public TextWriter Raw { get; }

    public TextWriter Error { get; }

    public bool IsJson { get; }

    public void WriteJson(object value) => Raw.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A line of progress while waiting; on the error stream, so stdout stays clean for scripts.</summary>
    public void Progress(string line) => Error.WriteLine(line);

    /// <summary>
    /// Runs <paramref name="work"/> showing what it reports: a Spectre.Console status on a terminal (stderr), else a line per
    /// change on stderr. stdout stays for the result.
    /// </summary>
    public async Task<T> WaitingAsync<T>(string first, Func<Action<string>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_errorConsole is null)
        {
            string? last = null;
            return await work(line =>
            {
                if (line != last)
                    Progress(line);
                last = line;
            });
        }
        return await _errorConsole.Status().StartAsync(Markup.Escape(first), status => work(line => status.Status(Markup.Escape(line))));
    }

    public static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";
}
