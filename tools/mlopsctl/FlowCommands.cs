using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Mlops.Ctl;

/// <summary><c>mlopsctl flows show &lt;flowId&gt;</c>: one timeline across the three services.</summary>
internal static class FlowCommands
{
    private static readonly Argument<Guid> FlowId = new("flowId") { Description = "The flow's id (every message of a flow carries it)" };

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var show = new Command("show", "One timeline of a flow across the services: every saga and every transition, time-ordered.\n"
            + "Example: mlopsctl flows show 9d1c2b7a-…") { FlowId };
        show.SetAction(run(ShowAsync));
        return new Command("flows", "Follow a flow across the services.\nExample: mlopsctl flows show 9d1c2b7a-…") { show };
    }

    private static async Task<int> ShowAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var flow = parsed.GetValue(FlowId);
        var sagas = new List<(string Service, JsonElement Saga)>();
        var lines = new List<(string Service, JsonElement Line)>();
        var exit = CtlExit.Done;
        foreach (var client in context.Clients())
        {
            try
            {
                var (_, part) = await client.GetAsync($"ops/flows/{flow}", cancellationToken);
                sagas.AddRange(part.GetProperty("sagas").EnumerateArray().Select(s => (client.Service, s)));
                lines.AddRange(part.GetProperty("timeline").EnumerateArray().Select(l => (client.Service, l)));
            }
            catch (CtlException ex) when (ex.ExitCode == CtlExit.Unreachable)
            {
                await context.Output.Error.WriteLineAsync(ex.Message);
                exit = CtlExit.Unreachable;
            }
        }
        var timeline = lines.OrderBy(l => l.Line.GetProperty("at").GetDateTimeOffset()).ToArray();
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(new
            {
                flowId = flow,
                sagas = sagas.Select(s => new { service = s.Service, saga = s.Saga }),
                timeline = timeline.Select(l => new { service = l.Service, line = l.Line }),
            });
            return exit;
        }
        if (sagas.Count == 0)
        {
            context.Output.Raw.WriteLine($"No service has a saga of flow {flow}.");
            return exit == CtlExit.Done ? CtlExit.Failed : exit;
        }
        var table = new Table().AddColumns("AT", "SERVICE", "SAGA", "EVENT", "BY", "FROM → TO", "ERROR");
        foreach (var (service, line) in timeline)
        {
            table.AddRow(CtlOutput.Text(line, "at"), Markup.Escape(service),
                Markup.Escape($"{CtlOutput.Text(line, "sagaType")} {CtlOutput.Text(line, "sagaId")[..8]}"), Markup.Escape(CtlOutput.Text(line, "event")),
                Markup.Escape(CtlOutput.Text(line, "requestedBy")), Markup.Escape($"{CtlOutput.Text(line, "fromState")} → {CtlOutput.Text(line, "toState")}"),
                Markup.Escape(CtlOutput.Text(line, "error")));
        }
        context.Output.Out.Write(table);
        foreach (var (service, saga) in sagas)
        {
            var failed = saga.GetProperty("failed");
            context.Output.Raw.WriteLine($"{service} {CtlOutput.Text(saga, "sagaType")} {CtlOutput.Text(saga, "id")}: {CtlOutput.Text(saga, "state")}"
                + (failed.ValueKind == JsonValueKind.Object ? $" at {CtlOutput.Text(failed, "step")}: {CtlOutput.Text(failed, "reason")}" : ""));
        }
        return exit;
    }
}
