using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// Lets a request into an ops endpoint only with <c>Authorization: Bearer &lt;token&gt;</c> of a configured owner; anything else
/// gets 401 as problem+json. The owner's name is who asked (<see cref="OpsHttpContextExtensions.OpsCaller"/>).
/// </summary>
internal sealed class OpsTokenFilter : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tokens = http.RequestServices.GetRequiredService<OpsTokens>();
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
        var owner = tokens.Authenticate(presented);
        if (owner is null)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mlops.ServiceDefaults.Ops")
                .LogWarning("Ops request {Method} {Path} refused: {Why}", http.Request.Method, http.Request.Path,
                    presented is null ? "no bearer token" : "unknown token");
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"mlops-ops\"";
            return OpsProblems.Unauthorized(presented is null
                ? "This endpoint needs Authorization: Bearer <token> with an ops token of this service."
                : "The bearer token is not one of this service's ops tokens.");
        }
        http.Items[OpsHttpContextExtensions.CallerKey] = owner;
        return await next(context);
    }
}
