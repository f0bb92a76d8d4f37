using System.Net;
using Microsoft.AspNetCore.Http;

namespace Mlops.Ctl.Dashboard;

/// <summary>
/// Keeps other web pages from using the dashboard's token: every answer forbids framing and foreign scripts; a POST must
/// carry <see cref="ActionHeader"/> (which a foreign page cannot send without a CORS preflight that is never granted) and,
/// when the browser names an origin, come from this dashboard's own. Only host names it knows are served: loopback names,
/// the operator's <c>--allowed-host</c> names, and IP addresses when it listens beyond loopback. A DNS name that another
/// site points at the dashboard's address (DNS rebinding) makes that site's page same-origin, header and all, so the Host
/// check is what refuses it; an IP address cannot be such a name.
/// </summary>
internal sealed class DashboardRequestGuard(bool loopbackOnly, IReadOnlyCollection<string> allowedHosts)
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

        var host = context.Request.Host.Host;
        if (!Serves(host))
        {
            var names = loopbackOnly ? "loopback names" : "loopback names and IP addresses";
            await Refuse(context, StatusCodes.Status421MisdirectedRequest,
                $"This dashboard answers only to {names} and the names given with --allowed-host, not '{host}'.");
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

    private bool Serves(string host) =>
        LoopbackHosts.Contains(host, StringComparer.OrdinalIgnoreCase)
        || allowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase)
        || (!loopbackOnly && IPAddress.TryParse(host.Trim('[', ']'), out _));

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { message });
    }
}
