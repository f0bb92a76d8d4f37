using System.Net;
using System.Net.Sockets;

namespace Mlops.ServiceDefaults.Tests.Failures;

/// <summary>A loopback port nothing listens on: connecting to it is refused at once.</summary>
public static class ClosedPort
{
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static Uri Url() => new($"http://127.0.0.1:{Find()}/");
}
