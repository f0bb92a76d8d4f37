using System.Net.Sockets;

namespace Mlops.ContainerTests;

/// <summary>
/// Whether a Docker engine answers, probed once per test run: <c>DOCKER_HOST</c> when set, else the usual sockets
/// (<c>/var/run/docker.sock</c>, rootless, Docker Desktop). A client without an engine, as on the development machine,
/// is not enough: the engine must answer <c>GET /_ping</c>.
/// </summary>
public static class DockerEngine
{
    public const string SkipReason = "requires a Docker engine";

    private static readonly Lazy<bool> s_reachable = new(Probe);

    public static bool IsReachable => s_reachable.Value;

    private static bool Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
                return false;
            return uri.Scheme switch
            {
                "unix" => Pings(uri.AbsolutePath),
                "tcp" => Pings(new Uri($"{(Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } ? "https" : "http")}://{uri.Authority}/")),
                _ => false,
            };
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        string[] sockets =
        [
            "/var/run/docker.sock",
            .. runtime is { Length: > 0 } ? [Path.Combine(runtime, "docker.sock")] : Array.Empty<string>(),
            Path.Combine(home, ".docker", "run", "docker.sock"),
            Path.Combine(home, ".docker", "desktop", "docker.sock"),
        ];
        return sockets.Any(socket => File.Exists(socket) && Pings(socket));
    }

    private static bool Pings(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return Pings(new Uri("http://docker/"), handler);
    }

    private static bool Pings(Uri engine, HttpMessageHandler? handler = null)
    {
        try
        {
            using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = engine, Timeout = TimeSpan.FromSeconds(3) };
            using var response = http.GetAsync(new Uri("_ping", UriKind.Relative)).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException or IOException)
        {
            return false;
        }
    }
}
