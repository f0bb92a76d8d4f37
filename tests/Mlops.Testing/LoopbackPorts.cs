using System.Net;
using System.Net.Sockets;

namespace Mlops.Testing;

/// <summary>Loopback ports for programs that take a fixed port base (run.sh, bench.sh).</summary>
public static class LoopbackPorts
{
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// The first of <paramref name="size"/> free consecutive ports between 20000 and 32000: below the ephemeral range, where
    /// nothing else of the tests binds. <paramref name="offset"/> (0–99) keeps two kinds of runs off each other's ranges.
    /// </summary>
    public static int FreeRange(int size, int offset = 0)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Random.Shared.Next(200, 320) * 100 + offset;
            if (Enumerable.Range(start, size).All(IsFree))
                return start;
        }
        throw new InvalidOperationException("No free range of loopback ports between 20000 and 32000.");
    }
}
