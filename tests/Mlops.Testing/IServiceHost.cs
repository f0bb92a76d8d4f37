using MassTransit;

namespace Mlops.Testing;

/// <summary>A started service host, whichever service it is.</summary>
public interface IServiceHost : IAsyncDisposable
{
    IServiceProvider Services { get; }

    CapturedLogs Logs { get; }

    IBus Bus { get; }

    IEndpointNameFormatter EndpointNames { get; }

    Task<int> StatusOfAsync(string path);

    Task<string> GetStringAsync(string path);
}
