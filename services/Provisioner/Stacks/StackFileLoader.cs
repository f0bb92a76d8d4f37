using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Contracts;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// Reads <c>Provisioner:StackFile</c> at start (a file with errors stops the service, naming every one) and sends it as
/// <see cref="ProvisionStack"/> once the bus is connected: a ready stack is then verified and announced again.
/// </summary>
public sealed class StackFileLoader(IOptions<ProvisionerOptions> options, IBusControl bus, ILogger<StackFileLoader> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private ProvisionStack? _stack;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.StackFile is { Length: > 0 } path)
        {
            _stack = StackFile.Load(path) with { RequestedBy = $"stack file {Path.GetFileName(path)}" };
            logger.LogInformation("Stack file {Path} read: stack {StackName} in namespace {Namespace}", path, _stack.StackName, _stack.Namespace);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_stack is null)
            return;
        using var timer = new PeriodicTimer(Poll);
        var attempts = 0;
        do
        {
            if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
                continue;
            try
            {
                await bus.Publish(_stack with { OccurredAt = DateTimeOffset.UtcNow }, stoppingToken);
                logger.LogInformation("Stack {StackName} from the stack file sent to be provisioned (flow {FlowId})", _stack.StackName, _stack.FlowId);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempts++ % 20 == 0)
                    logger.LogWarning(ex, "Stack {StackName} from the stack file could not be sent yet; trying again", _stack.StackName);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
