using System.CommandLine;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Mlops.Ctl;

/// <summary>
/// <c>mlopsctl promote | approve | rollback | unserve | models</c>: what the ModelPromoter serves, and the deliberate
/// choices a person makes about it (docs/operations.md, the ModelPromoter's endpoints).
/// </summary>
internal static class ModelCommands
{
    private const string Promoter = "model-promoter";

    private static readonly Argument<string> Model = new("model") { Description = "The registered model's name, e.g. cnn_classifier" };
    private static readonly Argument<string> Version = new("version") { Description = "The registry version, e.g. 7" };
    private static readonly Option<string?> Alias = new("--alias") { Description = "The alias to set once served (default the model's policy, production unless configured)" };
    private static readonly Option<bool> RequireApproval = new("--require-approval") { Description = "Wait for an approval before serving, even though you chose it" };
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why, kept with the promotion and in the ledger" };
    private static readonly Option<string> RollbackReason = new("--reason") { Description = "Why the model goes back, kept in the ledger", Required = true };
    private static readonly Option<string?> To = new("--to") { Description = "The version to serve (default the last one that served well before the current one)" };
    private static readonly Option<bool> Wait = new("--wait") { Description = "Wait, showing progress, until it is served (or failed)" };
    private static readonly Option<TimeSpan> Timeout = new("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(15) };
    private static readonly Argument<string?> OneModel = new("model") { Description = "Show this model's ledger too (default: every model, one line each)", Arity = ArgumentArity.ZeroOrOne };

    /// <summary>The states a promotion ends in; <c>Promoted</c> is the one that served.</summary>
    private static readonly string[] PromotionEnded = ["Promoted", "Superseded", "Failed", "Rejected", "Cancelled"];

    public static IEnumerable<Command> Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var promote = new Command("promote", "Serve a version you chose: verified (READY) and gated like any promotion; your token's name counts as its approval.\n"
            + "Example: mlopsctl promote cnn_classifier 7 --reason \"better on the night shift data\" --wait")
        {
            Model, Version, Alias, RequireApproval, Reason, Wait, Timeout,
        };
        promote.SetAction(run(PromoteAsync));
        var approve = new Command("approve", "Approve every promotion of a version that waits for an approval, in your token's name.\n"
            + "Example: mlopsctl approve cnn_classifier 7 --wait")
        {
            Model, Version, Wait, Timeout,
        };
        approve.SetAction(run(ApproveAsync));
        var rollback = new Command("rollback", "Serve an earlier version again: the last one that served well before the current one, or --to.\n"
            + "Example: mlopsctl rollback cnn_classifier --reason \"version 8 answers badly\" --wait")
        {
            Model, To, RollbackReason, Wait, Timeout,
        };
        rollback.SetAction(run(RollbackAsync));
        var unserve = new Command("unserve", "Stop serving a model: its Deployment, Service and alias are removed; its ledger is kept.\n"
            + "Example: mlopsctl unserve cnn_classifier --reason \"replaced by resnet_classifier\" --wait")
        {
            Model, Reason, Wait, Timeout,
        };
        unserve.SetAction(run(UnserveAsync));
        var models = new Command("models", "What each model serves now (version, alias, ready replicas); with a model, its ledger of what served before.\n"
            + "Example: mlopsctl models cnn_classifier")
        {
            OneModel,
        };
        models.SetAction(run(ModelsAsync));
        return [promote, approve, rollback, unserve, models];
    }

    private static async Task<int> PromoteAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var (model, version) = (parsed.GetValue(Model)!, parsed.GetValue(Version)!);
        var client = context.Clients(Promoter)[0];
        var body = new { alias = parsed.GetValue(Alias), requireApproval = parsed.GetValue(RequireApproval), reason = parsed.GetValue(Reason) };
        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"{VersionPath(model, version)}/promote", body, cancellationToken);
        var accepted = AcceptedCommand.From(client, status, answer);
        var promotionId = accepted.SagaId!.Value;
        return await accepted.ReportAsync(context, $"promotion {promotionId} of {model} version {version}",
            !parsed.GetValue(Wait) ? null : () => WaitForPromotionAsync(context, client, promotionId, parsed.GetValue(Timeout), cancellationToken));
    }

    private static async Task<int> ApproveAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var (model, version) = (parsed.GetValue(Model)!, parsed.GetValue(Version)!);
        var client = context.Clients(Promoter)[0];
        // Read before sending: once approved they no longer wait, and these are the promotions the approval reaches.
        var waiting = (await PromotionsAsync(client, "?state=WaitingForApproval", cancellationToken))
            .Where(p => CtlOutput.Text(p, "model") == model && CtlOutput.Text(p, "version") == version)
            .Select(p => p.GetProperty("sagaId").GetGuid()).ToArray();
        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"{VersionPath(model, version)}/approve", null, cancellationToken);
        return await AcceptedCommand.From(client, status, answer).ReportAsync(context, $"{model} version {version}", !parsed.GetValue(Wait) ? null : async () =>
        {
            var deadline = DateTimeOffset.UtcNow + parsed.GetValue(Timeout);
            var outcomes = new List<(bool Ok, string What)>();
            foreach (var id in waiting)
                outcomes.Add(await WaitForPromotionAsync(context, client, id, Remaining(deadline), cancellationToken));
            return outcomes.Count == 0
                ? (true, "no promotion was waiting when asked")
                : (outcomes.All(o => o.Ok), string.Join("; ", outcomes.Select(o => o.What)));
        });
    }

    private static async Task<int> RollbackAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var model = parsed.GetValue(Model)!;
        var client = context.Clients(Promoter)[0];
        var body = new { reason = parsed.GetValue(RollbackReason), toVersion = parsed.GetValue(To) };
        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"ops/models/{Uri.EscapeDataString(model)}/rollback", body, cancellationToken);
        var accepted = AcceptedCommand.From(client, status, answer);
        return await accepted.ReportAsync(context, $"rollback of {model}, flow {accepted.FlowId}", !parsed.GetValue(Wait) ? null : async () =>
        {
            // The serving saga answers a rollback with a PromoteModel in the rollback's own flow: wait for that promotion.
            var deadline = DateTimeOffset.UtcNow + parsed.GetValue(Timeout);
            var promotion = await context.Output.WaitingAsync($"… {model} choosing the version to go back to", async report =>
            {
                using var timer = new PeriodicTimer(SagaWatch.Interval);
                while (true)
                {
                    var found = (await PromotionsAsync(client, "", cancellationToken)).FirstOrDefault(p => CtlOutput.Text(p, "flowId") == accepted.FlowId);
                    if (found.ValueKind == JsonValueKind.Object)
                    {
                        report($"… {model} going back to version {CtlOutput.Text(found, "version")}");
                        return (Guid?)found.GetProperty("sagaId").GetGuid();
                    }
                    if (DateTimeOffset.UtcNow > deadline)
                        return null;
                    await timer.WaitForNextTickAsync(cancellationToken);
                }
            });
            return promotion is { } id
                ? await WaitForPromotionAsync(context, client, id, Remaining(deadline), cancellationToken)
                : (false, $"no promotion started within {parsed.GetValue(Timeout)}; see mlopsctl models {model}");
        });
    }

    private static async Task<int> UnserveAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var model = parsed.GetValue(Model)!;
        var client = context.Clients(Promoter)[0];
        var reason = parsed.GetValue(Reason);
        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"ops/models/{Uri.EscapeDataString(model)}/retire",
            reason is null ? null : new { reason }, cancellationToken);
        return await AcceptedCommand.From(client, status, answer).ReportAsync(context, model, !parsed.GetValue(Wait) ? null : () =>
            context.Output.WaitingAsync($"… {model} retiring", async report =>
            {
                var deadline = DateTimeOffset.UtcNow + parsed.GetValue(Timeout);
                using var timer = new PeriodicTimer(SagaWatch.Interval);
                while (true)
                {
                    var shown = (await ModelListAsync(client, cancellationToken)).FirstOrDefault(m => CtlOutput.Text(m, "model") == model);
                    var state = shown.ValueKind == JsonValueKind.Object ? CtlOutput.Text(shown, "state") : "not known";
                    report($"… {model} {state}");
                    if (state == "Retired")
                        return (true, "retired: Deployment, Service and alias removed");
                    if (DateTimeOffset.UtcNow > deadline)
                        return (false, $"still {state} after {parsed.GetValue(Timeout)}");
                    await timer.WaitForNextTickAsync(cancellationToken);
                }
            }));
    }

    private static async Task<int> ModelsAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var client = context.Clients(Promoter)[0];
        var models = await ModelListAsync(client, cancellationToken);
        if (parsed.GetValue(OneModel) is { } name)
        {
            var model = models.FirstOrDefault(m => CtlOutput.Text(m, "model") == name);
            if (model.ValueKind != JsonValueKind.Object)
                throw new CtlException(CtlExit.Failed, $"The {Promoter} never served model {name}.");
            models = [model];
        }
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(models);
            return CtlExit.Done;
        }
        var table = new Table().AddColumns("MODEL", "SERVING", "ALIAS", "READY", "SINCE", "STATE", "ROLLING OUT");
        foreach (var model in models)
        {
            var replicas = CtlOutput.Text(model, "replicas");
            var ready = CtlOutput.Text(model, "readyReplicas");
            table.AddRow(Markup.Escape(CtlOutput.Text(model, "model")), Markup.Escape(Or(CtlOutput.Text(model, "servingVersion"), "nothing")),
                Markup.Escape(CtlOutput.Text(model, "alias")), replicas.Length == 0 ? "" : $"{Or(ready, "?")}/{replicas}",
                Markup.Escape(CtlOutput.Text(model, "servingSince")), Markup.Escape(CtlOutput.Text(model, "state")),
                Markup.Escape(CtlOutput.Text(model, "rollingOutVersion")));
        }
        context.Output.Out.Write(table);
        if (models.Length == 1 && parsed.GetValue(OneModel) is not null)
        {
            var ledger = new Table().AddColumns("AT", "VERSION", "ALIAS", "OUTCOME", "TRIGGER", "REASON");
            foreach (var line in models[0].GetProperty("ledger").EnumerateArray())
            {
                var trigger = CtlOutput.Text(line, "trigger") + (line.GetProperty("deliberate").GetBoolean() ? " (chosen)" : "");
                ledger.AddRow(Markup.Escape(CtlOutput.Text(line, "at")), Markup.Escape(CtlOutput.Text(line, "version")), Markup.Escape(CtlOutput.Text(line, "alias")),
                    Markup.Escape(CtlOutput.Text(line, "outcome")), Markup.Escape(trigger), Markup.Escape(CtlOutput.Text(line, "reason")));
            }
            context.Output.Out.Write(ledger);
        }
        return CtlExit.Done;
    }

    /// <summary>Waits until the promotion ended: served (Promoted) or not, with the reason.</summary>
    private static Task<(bool Ok, string What)> WaitForPromotionAsync(CtlContext context, OpsClient client, Guid id, TimeSpan timeout,
        CancellationToken cancellationToken) =>
        SagaWatch.WaitAsync(context, client, id, timeout, shown =>
        {
            var state = shown.GetProperty("saga").GetProperty("state").GetString() ?? "";
            if (!PromotionEnded.Contains(state))
                return (false, false, "");
            var version = shown.GetProperty("data").TryGetProperty("ModelVersion", out var v) ? v.ToString() : "?";
            return state == "Promoted"
                ? (true, true, $"version {version} served")
                : (true, false, $"{state}: {PromotionReason(shown)}");
        }, cancellationToken);

    // A promotion that was refused or superseded has no failed step; its own document says why.
    private static string PromotionReason(JsonElement shown) =>
        shown.GetProperty("data").TryGetProperty("OutcomeReason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? reason.GetString()!
            : SagaWatch.Reason(shown);

    private static async Task<JsonElement[]> PromotionsAsync(OpsClient client, string query, CancellationToken cancellationToken)
    {
        var (status, answer) = await client.GetAsync("ops/promotions" + query, cancellationToken);
        if (status != HttpStatusCode.OK)
            throw new CtlException(CtlExit.Failed, $"{client.Service} answered {(int)status}: {OpsClient.Detail(answer)}");
        return [.. answer.EnumerateArray()];
    }

    private static async Task<JsonElement[]> ModelListAsync(OpsClient client, CancellationToken cancellationToken)
    {
        var (status, answer) = await client.GetAsync("ops/models", cancellationToken);
        if (status != HttpStatusCode.OK)
            throw new CtlException(CtlExit.Failed, $"{client.Service} answered {(int)status}: {OpsClient.Detail(answer)}");
        return [.. answer.EnumerateArray()];
    }

    private static string VersionPath(string model, string version) => $"ops/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}";

    private static TimeSpan Remaining(DateTimeOffset deadline) => deadline - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    private static string Or(string text, string otherwise) => text.Length == 0 ? otherwise : text;
}
