using System.CommandLine;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Mlops.Ctl;

/// <summary><c>mlopsctl stack apply | status</c>: the Provisioner's stacks.</summary>
internal static class StackCommands
{
    private const string Provisioner = "provisioner";

    private static readonly Argument<FileInfo> File = new("file") { Description = "The stack file (YAML, docs/stack-file.md)" };
    private static readonly Argument<string> Name = new("name") { Description = "The stack's name" };
    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Validate the file and show what each step would change; send nothing" };
    private static readonly Option<string?> Only = new("--only") { Description = "Steps to run, separated by commas (the others are only verified), e.g. buckets,notifications" };
    private static readonly Option<bool> Wait = new("--wait") { Description = "Wait, showing progress, until the stack is ready (or failed)" };
    private static readonly Option<TimeSpan> Timeout = new("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var apply = new Command("apply", "Provision a stack from its stack file, or with --dry-run show what that would change.\n"
            + "Example: mlopsctl stack apply stacks/homelab.yaml --wait")
        {
            File, DryRun, Only, Wait, Timeout,
        };
        apply.Validators.Add(result =>
        {
            if (result.GetValue(DryRun) && result.GetValue(Wait))
                result.AddError("--wait waits for an apply; a dry run answers at once.");
        });
        apply.SetAction(run(ApplyAsync));
        var status = new Command("status", "Where a stack's saga stands: state, ready, the failed step and why.\nExample: mlopsctl stack status homelab") { Name };
        status.SetAction(run(StatusAsync));
        return new Command("stack", "The Provisioner's stacks: apply (or dry-run) a stack file, show a stack's status.\n"
            + "Example: mlopsctl stack apply stacks/homelab.yaml --dry-run") { apply, status };
    }

    private static async Task<int> ApplyAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var file = parsed.GetValue(File)!;
        string text;
        try
        {
            text = await System.IO.File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CtlException(CtlExit.BadUsage, $"{file}: cannot be read ({ex.Message}).");
        }
        var dryRun = parsed.GetValue(DryRun);
        var query = new List<string>();
        if (dryRun)
            query.Add("dryRun=true");
        if (parsed.GetValue(Only) is { } only)
            query.Add("only=" + Uri.EscapeDataString(only));
        var client = context.Clients(Provisioner)[0];
        var path = "ops/stacks" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var (status, answer) = await client.SendTextAsync(HttpMethod.Post, path, text, "application/yaml", cancellationToken);
        if (dryRun)
            return PrintPlan(context, status, answer);
        var accepted = AcceptedCommand.From(client, status, answer);
        var sagaId = accepted.SagaId!.Value;
        return await accepted.ReportAsync(context, $"stack saga {sagaId}, flow {accepted.FlowId}", !parsed.GetValue(Wait) ? null : () =>
            SagaWatch.WaitAsync(context, client, sagaId, parsed.GetValue(Timeout), shown => Settled(shown, accepted.MessageId), cancellationToken));
    }

    /// <summary>Over once the saga took this ProvisionStack (its message in the history) and then got ready or failed.</summary>
    private static (bool Over, bool Ok, string What) Settled(JsonElement shown, Guid? messageId)
    {
        var taken = shown.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("event").GetString() == "ProvisionStack"
            && (messageId is null || (h.GetProperty("messageId") is { ValueKind: JsonValueKind.String } m && m.GetGuid() == messageId)));
        if (!taken)
            return (false, false, "");
        return shown.GetProperty("saga").GetProperty("state").GetString() switch
        {
            "Ready" => (true, true, "ready"),
            "Failed" => (true, false, "failed at " + SagaWatch.Reason(shown)),
            _ => (false, false, ""),
        };
    }

    private static int PrintPlan(CtlContext context, HttpStatusCode status, JsonElement plan)
    {
        if (status != HttpStatusCode.OK)
            throw new CtlException(CtlExit.Failed, $"{Provisioner} answered {(int)status} to the dry run: {OpsClient.Detail(plan)}");
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(plan);
            return CtlExit.Done;
        }
        var state = CtlOutput.Text(plan, "sagaState");
        context.Output.Raw.WriteLine($"stack {CtlOutput.Text(plan, "name")} ({(state.Length == 0 ? "never provisioned" : "saga " + state)}), dry run: nothing sent");
        var table = new Table().AddColumns("STEP", "CHANGE", "RUNS", "WHY");
        foreach (var step in plan.GetProperty("steps").EnumerateArray())
        {
            table.AddRow(Markup.Escape(CtlOutput.Text(step, "step")), Markup.Escape(CtlOutput.Text(step, "change")),
                step.GetProperty("runs").GetBoolean() ? "yes" : "verify only", Markup.Escape(CtlOutput.Text(step, "why")));
        }
        context.Output.Out.Write(table);
        context.Output.Raw.WriteLine($"{CtlOutput.Text(plan, "changes")} step(s) would change");
        return CtlExit.Done;
    }

    private static async Task<int> StatusAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var name = parsed.GetValue(Name)!;
        var (status, answer) = await context.Clients(Provisioner)[0].GetAsync($"ops/stacks/{Uri.EscapeDataString(name)}", cancellationToken);
        if (status == HttpStatusCode.NotFound)
            throw new CtlException(CtlExit.Failed, OpsClient.Detail(answer));
        if (status != HttpStatusCode.OK)
            throw new CtlException(CtlExit.Failed, $"{Provisioner} answered {(int)status}: {OpsClient.Detail(answer)}");
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(answer);
            return CtlExit.Done;
        }
        var failed = answer.GetProperty("failed");
        context.Output.Raw.WriteLine($"stack {CtlOutput.Text(answer, "name")}: {CtlOutput.Text(answer, "state")}, "
            + (answer.GetProperty("ready").GetBoolean() ? "ready" : "not ready")
            + (failed.ValueKind == JsonValueKind.Object ? $", failed at {CtlOutput.Text(failed, "step")}: {CtlOutput.Text(failed, "reason")}" : ""));
        context.Output.Raw.WriteLine($"saga {CtlOutput.Text(answer, "sagaId")}, flow {CtlOutput.Text(answer, "flowId")}, updated {CtlOutput.Text(answer, "updatedAt")}");
        return CtlExit.Done;
    }
}
