using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Mlops.Ctl;

/// <summary>
/// <c>mlopsctl errors list | move</c>: the <c>_error</c> queues MassTransit moves faulted messages to, through RabbitMQ's
/// management API. Listing peeks (the message is requeued); moving is a dynamic shovel back to the source queue.
/// </summary>
internal static class ErrorCommands
{
    /// <summary>The suffix MassTransit gives a receive endpoint's error queue.</summary>
    public const string ErrorSuffix = "_error";

    private static readonly Option<string> VirtualHost = new("--vhost") { Description = "The RabbitMQ vhost", DefaultValueFactory = _ => "/" };
    private static readonly Argument<string> Queue = new("queue") { Description = "The error queue, e.g. stack-state_error" };
    private static readonly Option<TimeSpan> Timeout = new("--timeout") { Description = "How long to wait for the move to finish", DefaultValueFactory = _ => TimeSpan.FromMinutes(2) };

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var list = new Command("list", "Every _error queue with its count, and its oldest message's type and fault reason (peeked, not taken).\n"
            + "Example: mlopsctl errors list --vhost / --json") { VirtualHost };
        list.SetAction(run(ListAsync));
        var move = new Command("move", "Move an _error queue's messages back to its source queue (a shovel that stops when the queue is empty), counting them.\n"
            + "Example: mlopsctl errors move stack-state_error") { Queue, VirtualHost, Timeout };
        move.Validators.Add(result =>
        {
            var queue = result.GetValue(Queue) ?? "";
            if (!queue.EndsWith(ErrorSuffix, StringComparison.Ordinal) || queue.Length == ErrorSuffix.Length)
                result.AddError($"'{queue}' is not an error queue: its name ends with {ErrorSuffix}.");
        });
        move.SetAction(run(MoveAsync));
        return new Command("errors", "Faulted messages in the _error queues: list them, move them back once the cause is fixed.\n"
            + "Example: mlopsctl errors list") { list, move };
    }

    private static async Task<int> ListAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var vhost = parsed.GetValue(VirtualHost)!;
        using var rabbit = context.Management();
        var rows = new List<ErrorQueueRow>();
        foreach (var (name, messages) in (await rabbit.QueuesAsync(vhost, cancellationToken)).Where(q => q.Name.EndsWith(ErrorSuffix, StringComparison.Ordinal)).OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            var oldest = messages > 0 ? await rabbit.PeekAsync(vhost, name, cancellationToken) : null;
            rows.Add(new ErrorQueueRow(name, name[..^ErrorSuffix.Length], messages, oldest is { } message ? FaultedMessage.From(message) : null));
        }
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(rows);
            return CtlExit.Done;
        }
        var table = new Table().AddColumns("QUEUE", "MESSAGES", "OLDEST TYPE", "FAULT", "HOST");
        foreach (var row in rows)
        {
            table.AddRow(Markup.Escape(row.Queue), row.Messages.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(row.Oldest?.MessageType ?? ""),
                Markup.Escape(row.Oldest is { } o ? $"{o.ExceptionType}: {o.FaultMessage}" : ""), Markup.Escape(row.Oldest?.Host ?? ""));
        }
        context.Output.Out.Write(table);
        context.Output.Raw.WriteLine($"{rows.Count} error queue(s), {rows.Sum(r => r.Messages)} message(s)");
        return CtlExit.Done;
    }

    private static async Task<int> MoveAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var vhost = parsed.GetValue(VirtualHost)!;
        var queue = parsed.GetValue(Queue)!;
        var source = queue[..^ErrorSuffix.Length];
        using var rabbit = context.Management();
        var error = await rabbit.QueueAsync(vhost, queue, cancellationToken)
            ?? throw new CtlException(CtlExit.Failed, $"No queue '{queue}' in vhost '{vhost}'.");
        if (await rabbit.QueueAsync(vhost, source, cancellationToken) is null)
            throw new CtlException(CtlExit.Failed, $"No source queue '{source}' in vhost '{vhost}' to move '{queue}' back to.");
        var count = error.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0;
        if (count == 0)
            return Report(context, queue, source, 0, "nothing to move");

        // The shovel moves the queue's length when it starts and then deletes itself; confirms make it lose nothing.
        var shovel = $"mlopsctl-move-{queue}-{Guid.NewGuid():N}";
        var uri = "amqp:///" + Uri.EscapeDataString(vhost);
        await rabbit.PutShovelAsync(vhost, shovel, new Dictionary<string, object>
        {
            ["src-protocol"] = "amqp091",
            ["src-uri"] = uri,
            ["src-queue"] = queue,
            ["src-delete-after"] = "queue-length",
            ["dest-protocol"] = "amqp091",
            ["dest-uri"] = uri,
            ["dest-queue"] = source,
            ["ack-mode"] = "on-confirm",
        }, cancellationToken);
        var timeout = parsed.GetValue(Timeout);
        var (done, what) = await context.Output.WaitingAsync($"moving {count} message(s) from {queue} to {source}", async report =>
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            using var timer = new PeriodicTimer(SagaWatch.Interval);
            while (await rabbit.ShovelExistsAsync(vhost, shovel, cancellationToken))
            {
                var status = await rabbit.ShovelStatusAsync(vhost, shovel, cancellationToken);
                var state = status is { } s ? CtlOutput.Text(s, "state") : "starting";
                report($"… shovel {state}");
                if (state == "terminated" && status is { } failed)
                    return (false, "the shovel stopped: " + CtlOutput.Text(failed, "reason"));
                if (DateTimeOffset.UtcNow > deadline)
                    return (false, $"the shovel was still {state} after {timeout}");
                await timer.WaitForNextTickAsync(cancellationToken);
            }
            return (true, "moved");
        });
        if (!done)
        {
            await rabbit.DeleteShovelAsync(vhost, shovel, cancellationToken);
            throw new CtlException(CtlExit.Failed, $"Moving {queue} to {source}: {what}; the shovel was removed, what it had not moved is still in {queue}.");
        }
        return Report(context, queue, source, count, what);
    }

    private static int Report(CtlContext context, string queue, string source, long moved, string what)
    {
        if (context.Output.IsJson)
            context.Output.WriteJson(new { queue, sourceQueue = source, moved });
        else
            context.Output.Raw.WriteLine($"{queue} → {source}: {moved} message(s) {(moved == 0 ? "(" + what + ")" : "moved")}");
        return CtlExit.Done;
    }

    /// <summary>One error queue in the listing.</summary>
    internal sealed record ErrorQueueRow(string Queue, string SourceQueue, long Messages, FaultedMessage? Oldest);
}
