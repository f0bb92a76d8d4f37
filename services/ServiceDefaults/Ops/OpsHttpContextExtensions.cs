using Microsoft.AspNetCore.Http;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>Who asked, for endpoints behind the ops token (<see cref="OpsEndpointExtensions.RequireOpsToken{TBuilder}"/>).</summary>
public static class OpsHttpContextExtensions
{
    internal const string CallerKey = "Mlops.Ops.Caller";

    /// <summary>The name of the token's owner; throws outside an endpoint that requires the ops token.</summary>
    public static string OpsCaller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerKey] as string
            ?? throw new InvalidOperationException("No ops caller: the endpoint does not require the ops token (RequireOpsToken).");
    }
}
