using System.Net;
using System.Text.Json;

namespace Mlops.Ctl;

/// <summary>
/// <c>--wait</c>: polls a saga through <c>GET /ops/sagas/{id}</c>, showing each state it passes, until a check says it is
/// over or the timeout passes. A saga not stored yet (404) is waited for: the command was committed, not yet consumed.
/// </summary>
internal static class SagaWatch
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <param name="check">What the saga shows → over?, ok?, and what to say.</param>
    public static Task<(bool Ok, string What)> WaitAsync(CtlContext context, OpsClient client, Guid id, TimeSpan timeout,
        Func<JsonElement, (bool Over, bool Ok, string What)> check, CancellationToken cancellationToken) =>
        context.Output.WaitingAsync($"… {id} waiting", async report =>
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            using var timer = new PeriodicTimer(Interval);
            var state = "not stored yet";
            while (true)
            {
                var (status, shown) = await client.GetAsync($"ops/sagas/{id}", cancellationToken);
                if (status == HttpStatusCode.OK)
                {
                    state = shown.GetProperty("saga").GetProperty("state").GetString() ?? "";
                    report($"… {id} {state}");
                    var (over, ok, what) = check(shown);
                    if (over)
                        return (ok, what);
                }
                else if (status != HttpStatusCode.NotFound)
                {
                    throw new CtlException(CtlExit.Failed, $"{client.Service} answered {(int)status} for saga {id}: {OpsClient.Detail(shown)}");
                }
                if (DateTimeOffset.UtcNow > deadline)
                    return (false, $"still {state} after {timeout}");
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        });

    /// <summary>The failed step and reason a saga shows, or its last error, for a message.</summary>
    public static string Reason(JsonElement shown)
    {
        var failed = shown.GetProperty("saga").GetProperty("failed");
        if (failed.ValueKind == JsonValueKind.Object)
            return $"{CtlOutput.Text(failed, "step")}: {CtlOutput.Text(failed, "reason")}";
        return shown.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.Object
            ? CtlOutput.Text(error, "reason")
            : "no reason given";
    }
}
