using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace Mlops.Ctl;

/// <summary><c>mlopsctl logs &lt;flowId&gt;</c>: the training pod's log of a flow, through the TrainingCoordinator.</summary>
internal static class LogCommands
{
    private const string Coordinator = "training-coordinator";

    private static readonly Argument<Guid> FlowId = new("flowId") { Description = "The flow whose training run's log to show" };
    private static readonly Option<int?> Tail = new("--tail") { Description = "Only the last lines (1 to 10000)" };

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var logs = new Command("logs", "The log of the flow's training pod (its newest run's), read through the Kubernetes API by the TrainingCoordinator.\n"
            + "Example: mlopsctl logs 9d1c2b7a-… --tail 100") { FlowId, Tail };
        logs.Validators.Add(result =>
        {
            if (result.GetValue(Tail) is { } tail && tail is < 1 or > 10000)
                result.AddError("--tail is a whole number from 1 to 10000.");
        });
        logs.SetAction(run(LogsAsync));
        return logs;
    }

    private static async Task<int> LogsAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var flow = parsed.GetValue(FlowId);
        var client = context.Clients(Coordinator)[0];
        var (_, page) = await client.GetAsync($"ops/sagas?type=TrainingRunState&flowId={flow}", cancellationToken);
        var run = page.GetProperty("items").EnumerateArray().OrderByDescending(i => i.GetProperty("createdAt").GetDateTimeOffset()).FirstOrDefault();
        if (run.ValueKind != JsonValueKind.Object)
            throw new CtlException(CtlExit.Failed, $"Flow {flow} has no training run in the {Coordinator}.");
        var trainingId = run.GetProperty("id").GetGuid();
        var tail = parsed.GetValue(Tail);
        var (status, log, problem) = await client.GetTextAsync($"ops/training/{trainingId}/logs" + (tail is { } lines ? $"?tailLines={lines}" : ""), cancellationToken);
        if (status != HttpStatusCode.OK)
            throw new CtlException(CtlExit.Failed, status == HttpStatusCode.NotFound ? OpsClient.Detail(problem) : $"{Coordinator} answered {(int)status}: {OpsClient.Detail(problem)}");
        if (context.Output.IsJson)
            context.Output.WriteJson(new { flowId = flow, trainingId, state = CtlOutput.Text(run, "state"), log });
        else
        {
            await context.Output.Error.WriteLineAsync($"training {trainingId} ({CtlOutput.Text(run, "state")}):");
            await context.Output.Raw.WriteAsync(log);
        }
        return CtlExit.Done;
    }
}
