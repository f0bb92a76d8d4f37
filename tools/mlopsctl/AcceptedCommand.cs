using System.Net;
using System.Text.Json;

namespace Mlops.Ctl;

/// <summary>
/// A service's answer to a command endpoint (202 sent, or 200 the same request committed before) and how a command that
/// sent one ends: optionally waiting (<c>--wait</c>) for what it caused, then one line or the JSON, and the exit code.
/// </summary>
internal sealed class AcceptedCommand
{
    private AcceptedCommand(JsonElement answer) => Answer = answer;

    public JsonElement Answer { get; }

    /// <summary>The saga the command went to, when the service knows it.</summary>
    public Guid? SagaId => Answer.TryGetProperty("sagaId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : null;

    public Guid? MessageId => Answer.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : null;

    public string FlowId => CtlOutput.Text(Answer, "flowId");

    public bool Duplicate => Answer.TryGetProperty("duplicate", out var duplicate) && duplicate.GetBoolean();

    /// <summary>The answer when the command was accepted; a refusal (409, 404) or anything else ends the command as failed.</summary>
    public static AcceptedCommand From(OpsClient client, HttpStatusCode status, JsonElement answer) => status switch
    {
        HttpStatusCode.Accepted or HttpStatusCode.OK => new AcceptedCommand(answer),
        HttpStatusCode.Conflict => throw new CtlException(CtlExit.Failed, "refused: " + OpsClient.Detail(answer)),
        HttpStatusCode.NotFound => throw new CtlException(CtlExit.Failed, "not found: " + OpsClient.Detail(answer)),
        _ => throw new CtlException(CtlExit.Failed, $"{client.Service} answered {(int)status}: {OpsClient.Detail(answer)}"),
    };

    /// <summary>
    /// Waits with <paramref name="wait"/> when given (its outcome decides the exit code), then writes
    /// "<paramref name="subject"/>: what was sent[; what the wait saw]" or, with <c>--json</c>, the answer and the wait's outcome.
    /// </summary>
    public async Task<int> ReportAsync(CtlContext context, string subject, Func<Task<(bool Ok, string What)>>? wait)
    {
        string? waited = null;
        var exit = CtlExit.Done;
        if (wait is not null)
        {
            var (ok, what) = await wait();
            waited = what;
            if (!ok)
                exit = CtlExit.Failed;
        }
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(new { accepted = Answer, waited });
        }
        else
        {
            var sent = Duplicate ? "already asked for; nothing sent again" : $"{CtlOutput.Text(Answer, "command")} sent as {CtlOutput.Text(Answer, "requestedBy")}";
            context.Output.Raw.WriteLine($"{subject}: {sent}" + (waited is null ? "" : "; " + waited));
        }
        return exit;
    }
}
