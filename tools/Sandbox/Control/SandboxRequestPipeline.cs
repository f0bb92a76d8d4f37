using Mlops.Sandbox.Hosting;

namespace Mlops.Sandbox.Control;

/// <summary>Runs before every stand-in route: logs the request, then applies the fault rules of its API group.</summary>
internal sealed class SandboxRequestPipeline(StandIn standIn, SandboxContext context)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var request = standIn.Describe(http);
        if (request is null)
        {
            await next(http);
            return;
        }
        var record = context.Requests.Add(standIn.Name, request, http.Request.Headers.UserAgent.ToString());
        http.Response.OnStarting(() =>
        {
            record.StatusCode = http.Response.StatusCode;
            return Task.CompletedTask;
        });

        var decision = context.Faults.Decide(standIn.Name, request.Group, DateTimeOffset.UtcNow);
        if (decision.Delay > TimeSpan.Zero)
            await Task.Delay(decision.Delay, http.RequestAborted);
        if (decision.StatusCode is { } status)
        {
            record.Fault = decision.Reason;
            await standIn.WriteFaultAsync(http, status, $"sandbox fault injection ({decision.Reason})");
            return;
        }
        await next(http);
    }
}
