using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// Says in one log line what is wrong when the broker cannot be reached (host, port, what was tried)
/// and in one line when the connection is back. MassTransit keeps retrying on its own; this only
/// makes the state readable, once per change instead of once per attempt.
/// </summary>
public sealed class BrokerConnectionReporter(IBusControl bus, RabbitMqSettings broker, ILogger<BrokerConnectionReporter> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BrokerState? reported = null;
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var (state, detail) = await ProbeAsync(stoppingToken);
            if (state == reported)
                continue;
            switch (state)
            {
                case BrokerState.Connected:
                    logger.LogInformation("Connected to RabbitMQ at {Broker}", broker.Describe());
                    break;
                case BrokerState.Unreachable:
                    logger.LogError(
                        "RabbitMQ unreachable: tried {Broker} (TCP {Host}:{Port}): {Reason}. Retrying every few seconds; /health/ready answers 503 until connected",
                        broker.Describe(), broker.Host, broker.Port, detail);
                    break;
                case BrokerState.NotConnected when reported is not null:
                    logger.LogWarning(
                        "RabbitMQ at {Broker} accepts TCP but the bus is not connected yet: {Reason}. Check the user, password and vhost if this lasts",
                        broker.Describe(), detail);
                    break;
                default:
                    // Right after start the bus is still connecting: not worth a warning yet.
                    continue;
            }
            reported = state;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<(BrokerState, string)> ProbeAsync(CancellationToken cancellationToken)
    {
        var health = bus.CheckHealth();
        if (health.Status == BusHealthStatus.Healthy)
            return (BrokerState.Connected, health.Description);
        try
        {
            using var tcp = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await tcp.ConnectAsync(broker.Host, broker.Port, timeout.Token);
            return (BrokerState.NotConnected, health.Description);
        }
        catch (SocketException ex)
        {
            return (BrokerState.Unreachable, ex.SocketErrorCode.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (BrokerState.Unreachable, "no answer within 3 s");
        }
    }

    private enum BrokerState
    {
        Connected,
        NotConnected,
        Unreachable,
    }
}
