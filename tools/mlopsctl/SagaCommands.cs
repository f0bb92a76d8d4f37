using System.CommandLine;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Mlops.Ctl;

/// <summary><c>mlopsctl sagas list | show | replay | cancel</c>.</summary>
internal static class SagaCommands
{
    private static readonly Option<string?> State = new("--state") { Description = "Only sagas in this state, e.g. Failed" };
    private static readonly Option<string?> Type = new("--type") { Description = "Only this saga type, e.g. TrainingRunState" };
    private static readonly Option<string?> Flow = new("--flow") { Description = "Only sagas of this FlowId" };
    private static readonly Option<string?> Service = new("--service") { Description = "Only this service: provisioner, training-coordinator or model-promoter" };
    private static readonly Option<int> Page = new("--page") { Description = "Page of each service's listing (50 a page)", DefaultValueFactory = _ => 1 };
    private static readonly Argument<Guid> Id = new("id") { Description = "The saga's id" };
    private static readonly Argument<Guid?> OptionalId = new("id") { Description = "The saga's id", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> AllFailed = new("--all-failed") { Description = "Replay every failed saga of every service" };
    private static readonly Option<bool> Wait = new("--wait") { Description = "Wait, showing progress, until the replayed step succeeded (or the cancel took effect)" };
    private static readonly Option<TimeSpan> Timeout = new("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why, kept with the saga" };

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        Service.AcceptOnlyFromAmong([.. CtlSettings.ServiceNames]);
        var list = new Command("list", "List sagas of every service, newest first.\nExample: mlopsctl sagas list --state Failed --json")
        {
            State, Type, Flow, Service, Page,
        };
        list.SetAction(run(ListAsync));
        var show = new Command("show", "Show a saga: state, data (secrets masked), history and last error.\nExample: mlopsctl sagas show 3f2b6c1e-…") { Id };
        show.SetAction(run(ShowAsync));
        var replay = new Command("replay", "Re-run the failed step of a failed saga, or of every failed saga.\nExample: mlopsctl sagas replay 3f2b6c1e-… --wait")
        {
            OptionalId, AllFailed, Wait, Timeout,
        };
        replay.Validators.Add(result =>
        {
            if ((result.GetValue(OptionalId) is null) == !result.GetValue(AllFailed))
                result.AddError("Give a saga id or --all-failed (one of them).");
        });
        replay.SetAction(run(ReplayAsync));
        var cancel = new Command("cancel", "Stop a saga through CancelSaga (what that means is each saga's own).\nExample: mlopsctl sagas cancel 3f2b6c1e-… --reason \"wrong image\"")
        {
            Id, Reason, Wait, Timeout,
        };
        cancel.SetAction(run(CancelAsync));
        return new Command("sagas", "The services' sagas: list, show, replay, cancel.\nExample: mlopsctl sagas list") { list, show, replay, cancel };
    }

    private static async Task<int> ListAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var query = new List<string> { $"page={parsed.GetValue(Page)}" };
        if (parsed.GetValue(State) is { } state)
            query.Add("state=" + Uri.EscapeDataString(state));
        if (parsed.GetValue(Type) is { } type)
            query.Add("type=" + Uri.EscapeDataString(type));
        if (parsed.GetValue(Flow) is { } flow)
            query.Add("flowId=" + Uri.EscapeDataString(flow));
        var rows = new List<(string Service, JsonElement Item)>();
        var exit = CtlExit.Done;
        foreach (var client in context.Clients(parsed.GetValue(Service)))
        {
            try
            {
                var (_, page) = await client.GetAsync("ops/sagas?" + string.Join('&', query), cancellationToken);
                rows.AddRange(page.GetProperty("items").EnumerateArray().Select(i => (client.Service, i)));
            }
            catch (CtlException ex) when (ex.ExitCode == CtlExit.Unreachable)
            {
                // The others still answer; the listing says what is missing and the exit code tells scripts.
                await context.Output.Error.WriteLineAsync(ex.Message);
                exit = CtlExit.Unreachable;
            }
        }
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(rows.Select(r => new { service = r.Service, saga = r.Item }));
            return exit;
        }
        var table = new Table().AddColumns("SERVICE", "TYPE", "ID", "STATE", "UPDATED", "FAILED");
        foreach (var (service, item) in rows.OrderByDescending(r => r.Item.GetProperty("updatedAt").GetDateTimeOffset()))
        {
            var failed = item.GetProperty("failed");
            table.AddRow(Markup.Escape(service), Markup.Escape(CtlOutput.Text(item, "sagaType")), CtlOutput.Text(item, "id"),
                Markup.Escape(CtlOutput.Text(item, "state")), CtlOutput.Text(item, "updatedAt"),
                failed.ValueKind == JsonValueKind.Null ? "" : Markup.Escape($"{CtlOutput.Text(failed, "step")}: {CtlOutput.Text(failed, "reason")}"));
        }
        context.Output.Out.Write(table);
        context.Output.Raw.WriteLine($"{rows.Count} saga(s)");
        return exit;
    }

    private static async Task<int> ShowAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var (client, shown) = await FindAsync(context, parsed.GetValue(Id), cancellationToken);
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(shown);
            return CtlExit.Done;
        }
        var saga = shown.GetProperty("saga");
        var console = context.Output.Out;
        console.MarkupLine($"[bold]{Markup.Escape(CtlOutput.Text(saga, "sagaType"))}[/] {CtlOutput.Text(saga, "id")} in {Markup.Escape(client.Service)}");
        context.Output.Raw.WriteLine($"state {CtlOutput.Text(saga, "state")}, flow {CtlOutput.Text(saga, "flowId")}, version {CtlOutput.Text(saga, "version")}, "
            + $"updated {CtlOutput.Text(saga, "updatedAt")}" + (CtlOutput.Text(saga, "finishedAt") is { Length: > 0 } done ? $", finished {done}" : ""));
        if (shown.GetProperty("lastError") is { ValueKind: JsonValueKind.Object } error)
            context.Output.Raw.WriteLine($"last error ({CtlOutput.Text(error, "source")}, {CtlOutput.Text(error, "step")}{CtlOutput.Text(error, "event")}): {CtlOutput.Text(error, "reason")}");
        context.Output.Raw.WriteLine(shown.GetProperty("replayRefusal").ValueKind == JsonValueKind.Null
            ? "replay: possible (mlopsctl sagas replay " + CtlOutput.Text(saga, "id") + ")"
            : "replay: " + CtlOutput.Text(shown, "replayRefusal"));
        var history = new Table().AddColumns("#", "AT", "EVENT", "BY", "FROM", "TO", "ERROR");
        foreach (var line in shown.GetProperty("history").EnumerateArray())
        {
            history.AddRow(CtlOutput.Text(line, "sequence"), CtlOutput.Text(line, "at"), Markup.Escape(CtlOutput.Text(line, "event")),
                Markup.Escape(CtlOutput.Text(line, "requestedBy")), Markup.Escape(CtlOutput.Text(line, "fromState")),
                Markup.Escape(CtlOutput.Text(line, "toState")), Markup.Escape(CtlOutput.Text(line, "error")));
        }
        console.Write(history);
        context.Output.Raw.WriteLine("data:");
        context.Output.Raw.WriteLine(JsonSerializer.Serialize(shown.GetProperty("data"), CtlOutput.Json));
        return CtlExit.Done;
    }

    private static async Task<int> ReplayAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var ids = new List<(OpsClient Client, Guid Id)>();
        if (parsed.GetValue(OptionalId) is { } one)
            ids.Add(((await FindAsync(context, one, cancellationToken)).Client, one));
        else
            ids.AddRange(await FailedAsync(context, cancellationToken));
        var exit = CtlExit.Done;
        var results = new List<object>();
        foreach (var (client, id) in ids)
        {
            var (_, before) = await client.GetAsync($"ops/sagas/{id}", cancellationToken);
            var (status, answer) = await client.SendAsync(HttpMethod.Post, $"ops/sagas/{id}/replay", null, cancellationToken);
            var outcome = Outcome(status, answer);
            if (status == HttpStatusCode.Conflict)
                exit = CtlExit.Failed;
            else if (parsed.GetValue(Wait))
            {
                var failedAt = before.GetProperty("saga").GetProperty("failed").GetProperty("failedAt").GetDateTimeOffset();
                var (ok, state) = await WaitAsync(context, client, id, parsed.GetValue(Timeout), shown =>
                {
                    var failed = shown.GetProperty("saga").GetProperty("failed");
                    if (failed.ValueKind == JsonValueKind.Object && failed.GetProperty("failedAt").GetDateTimeOffset() > failedAt)
                        return (true, false, "failed again: " + CtlOutput.Text(failed, "reason"));
                    var step = before.GetProperty("saga").GetProperty("failed").GetProperty("state").GetString();
                    var current = shown.GetProperty("saga").GetProperty("state").GetString();
                    return failed.ValueKind == JsonValueKind.Null && current != step ? (true, true, "step done, now " + current) : (false, false, "");
                }, cancellationToken);
                outcome += "; " + state;
                if (!ok)
                    exit = CtlExit.Failed;
            }
            results.Add(new { service = client.Service, id, status = (int)status, outcome });
            if (!context.Output.IsJson)
                context.Output.Raw.WriteLine($"{client.Service} {id}: {outcome}");
        }
        if (context.Output.IsJson)
            context.Output.WriteJson(results);
        else if (ids.Count == 0)
            context.Output.Raw.WriteLine("No failed sagas.");
        return exit;
    }

    private static async Task<int> CancelAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var id = parsed.GetValue(Id);
        var (client, before) = await FindAsync(context, id, cancellationToken);
        var reason = parsed.GetValue(Reason);
        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"ops/sagas/{id}/cancel", reason is null ? null : new { reason }, cancellationToken);
        var outcome = Outcome(status, answer);
        var exit = status == HttpStatusCode.Conflict ? CtlExit.Failed : CtlExit.Done;
        if (exit == CtlExit.Done && parsed.GetValue(Wait))
        {
            var version = before.GetProperty("saga").GetProperty("version").GetInt32();
            var (ok, state) = await WaitAsync(context, client, id, parsed.GetValue(Timeout), shown =>
            {
                var saga = shown.GetProperty("saga");
                return saga.GetProperty("version").GetInt32() > version
                    ? (true, true, "now " + saga.GetProperty("state").GetString())
                    : (false, false, "");
            }, cancellationToken);
            outcome += "; " + state;
            if (!ok)
                exit = CtlExit.Failed;
        }
        if (context.Output.IsJson)
            context.Output.WriteJson(new { service = client.Service, id, status = (int)status, outcome });
        else
            context.Output.Raw.WriteLine($"{client.Service} {id}: {outcome}");
        return exit;
    }

    /// <summary>The service that has the saga, and what it shows of it; no service having it is a failure.</summary>
    internal static async Task<(OpsClient Client, JsonElement Shown)> FindAsync(CtlContext context, Guid id, CancellationToken cancellationToken)
    {
        CtlException? unreachable = null;
        foreach (var client in context.Clients())
        {
            try
            {
                var (status, body) = await client.GetAsync($"ops/sagas/{id}", cancellationToken);
                if (status == HttpStatusCode.OK)
                    return (client, body);
            }
            catch (CtlException ex) when (ex.ExitCode == CtlExit.Unreachable)
            {
                unreachable = ex;
            }
        }
        throw unreachable is not null
            ? new CtlException(CtlExit.Unreachable, $"Saga {id} not found in the services that answered; {unreachable.Message}")
            : new CtlException(CtlExit.Failed, $"No service has a saga {id}.");
    }

    private static async Task<List<(OpsClient Client, Guid Id)>> FailedAsync(CtlContext context, CancellationToken cancellationToken)
    {
        var found = new List<(OpsClient, Guid)>();
        foreach (var client in context.Clients())
        {
            for (int? page = 1; page is { } number;)
            {
                var (_, listing) = await client.GetAsync($"ops/sagas?state=Failed&page={number}", cancellationToken);
                found.AddRange(listing.GetProperty("items").EnumerateArray()
                    .Where(i => i.GetProperty("failed").ValueKind == JsonValueKind.Object)
                    .Select(i => (client, i.GetProperty("id").GetGuid())));
                page = listing.GetProperty("nextPage").ValueKind == JsonValueKind.Number ? listing.GetProperty("nextPage").GetInt32() : null;
            }
        }
        return found;
    }

    private static string Outcome(HttpStatusCode status, JsonElement answer) => status switch
    {
        HttpStatusCode.Accepted => $"{CtlOutput.Text(answer, "command")} sent as {CtlOutput.Text(answer, "requestedBy")}",
        HttpStatusCode.OK when answer.TryGetProperty("duplicate", out var d) && d.GetBoolean() => "already asked for; nothing sent again",
        HttpStatusCode.Conflict => "refused: " + OpsClient.Detail(answer),
        HttpStatusCode.NotFound => "not found: " + OpsClient.Detail(answer),
        _ => $"answered {(int)status}",
    };

    private static Task<(bool Ok, string What)> WaitAsync(CtlContext context, OpsClient client, Guid id, TimeSpan timeout,
        Func<JsonElement, (bool Over, bool Ok, string What)> check, CancellationToken cancellationToken) =>
        SagaWatch.WaitAsync(context, client, id, timeout, check, cancellationToken);
}
