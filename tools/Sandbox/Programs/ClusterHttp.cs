namespace Mlops.Sandbox.Programs;

/// <summary>The HTTP connection pool the sandbox's container programs share: loopback only, no proxy, no redirects.</summary>
public static class ClusterHttp
{
    public static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
}
