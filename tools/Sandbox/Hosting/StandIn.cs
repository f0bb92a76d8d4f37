using System.Security.Cryptography.X509Certificates;
using Mlops.Sandbox.Control;

namespace Mlops.Sandbox.Hosting;

/// <summary>One outside system the sandbox imitates, served by its own web application on its own loopback port.</summary>
public abstract class StandIn : IAsyncDisposable
{
    private Uri? _url;
    private Uri? _secureUrl;

    /// <summary>Printed beside the URL; also the configuration section (<c>Sandbox:{Name}:Port</c>), the request log's and the fault rules' key.</summary>
    public abstract string Name { get; }

    /// <summary>Base URL once the host has started this stand-in.</summary>
    public Uri Url => _url ?? throw new InvalidOperationException($"The {Name} stand-in has not started.");

    /// <summary>The https base URL, for a stand-in that also serves TLS (<see cref="ServerCertificate"/>).</summary>
    public Uri SecureUrl => _secureUrl ?? throw new InvalidOperationException($"The {Name} stand-in serves no https endpoint.");

    /// <summary>A certificate to serve https with on a second port as well (null: http only).</summary>
    public virtual X509Certificate2? ServerCertificate => null;

    internal void OnStarted(Uri url, Uri? secureUrl)
    {
        _url = url;
        _secureUrl = secureUrl;
    }

    /// <summary>Registers what the routes and background work need; hosted services run with this stand-in's app.</summary>
    protected internal virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Maps the routes of the imitated API.</summary>
    protected internal abstract void MapRoutes(WebApplication app);

    /// <summary>Says what a request is, for the request log and per-group fault rules; null keeps it out of both.</summary>
    protected internal virtual SandboxRequest? Describe(HttpContext http) =>
        new(http.Request.Method.ToLowerInvariant(), Group: "", Resource: http.Request.Path.Value ?? "/", Namespace: null, Name: null);

    /// <summary>Writes the error body the imitated system sends with <paramref name="statusCode"/>.</summary>
    protected internal virtual Task WriteFaultAsync(HttpContext http, int statusCode, string message)
    {
        http.Response.StatusCode = statusCode;
        return http.Response.WriteAsync(message);
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
