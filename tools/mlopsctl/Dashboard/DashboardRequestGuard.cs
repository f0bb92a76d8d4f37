using Microsoft.AspNetCore.Http;

namespace Mlops.Ctl.Dashboard;

/// <summary>
/// Keeps other web pages from using the dashboard's token: every answer forbids framing and foreign scripts; a POST must
/// carry <see cref="ActionHeader"/> (which a foreign page cannot send without a CORS preflight that is never granted) and,
/// when the browser names an origin, come from this dashboard's own. Bound to loopback, only loopback host names are
/// served, so a DNS name pointed at 127.0.0.1 by another site is refused.
/// </summary>
internal sealed class DashboardRequestGuard(bool loopbackOnly)
{
    /// <summary>The header the page sends with every action.</summary>
    public const string ActionHeader = "X-Mlops-Dashboard";

    private static readonly string[] LoopbackHosts = ["127.0.0.1", "localhost", "[::1]", "::1"];

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";

        if (loopbackOnly && !LoopbackHosts.Contains(context.Request.Host.Host, StringComparer.OrdinalIgnoreCase))
        {
            await Refuse(context, StatusCodes.Status421MisdirectedRequest, $"This dashboard answers only to loopback names, not '{context.Request.Host.Host}'.");
            return;
        }
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (context.Request.Headers[ActionHeader] != "1")
            {
                await Refuse(context, StatusCodes.Status403Forbidden, $"An action needs the {ActionHeader} header the dashboard's page sends.");
                return;
            }
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "An action must come from the dashboard's own page.");
                return;
            }
        }
        await next();
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { message });
    }
}
