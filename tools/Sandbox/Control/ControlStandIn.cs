using Mlops.Sandbox.Faults;
using Mlops.Sandbox.Hosting;

namespace Mlops.Sandbox.Control;

/// <summary>The sandbox's own control endpoint: fault rules and the request log, at run time over HTTP.</summary>
public sealed class ControlStandIn(SandboxContext context) : StandIn
{
    public override string Name => "control";

    // Control traffic is neither logged nor faulted: it is the test talking to its equipment.
    protected internal override SandboxRequest? Describe(HttpContext http) => null;

    protected internal override void MapRoutes(WebApplication app)
    {
        app.MapGet("/faults", () => Results.Ok(context.Faults.Rules));
        app.MapPut("/faults/{standIn}/{group}", (string standIn, string group, FaultRule rule) =>
        {
            context.Faults.Set(standIn, group, rule);
            return Results.Ok(context.Faults.Rules);
        });
        app.MapDelete("/faults/{standIn}/{group}", (string standIn, string group) =>
        {
            context.Faults.Clear(standIn, group);
            return Results.Ok(context.Faults.Rules);
        });
        app.MapDelete("/faults", () =>
        {
            context.Faults.ClearAll();
            return Results.Ok(context.Faults.Rules);
        });
        app.MapGet("/requests", (string? standIn) => Results.Ok(context.Requests.Snapshot(standIn)));
        app.MapDelete("/requests", () =>
        {
            context.Requests.Clear();
            return Results.NoContent();
        });
    }
}
