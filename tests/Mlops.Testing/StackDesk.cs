using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Testing;

/// <summary>
/// Stands in for the Provisioner's answer to <see cref="GetStackStatus"/> in the tests of the services that ask it: it
/// answers from what the test told it (ready, failed, provisioning, or not known).
/// </summary>
public sealed class StackDesk : IConsumer<GetStackStatus>
{
    private readonly ConcurrentDictionary<string, StackStatus> _stacks = new(StringComparer.Ordinal);

    /// <summary>Every question, in arrival order.</summary>
    public ConcurrentQueue<GetStackStatus> Asked { get; } = new();

    public void Ready(StackReady stack) => _stacks[stack.StackName] = new StackStatus
    {
        FlowId = stack.FlowId,
        OccurredAt = DateTimeOffset.UtcNow,
        StackName = stack.StackName,
        Known = true,
        Ready = true,
        State = "Ready",
        Stack = stack,
    };

    public void Provisioning(string stackName, string state) => _stacks[stackName] = new StackStatus
    {
        FlowId = Guid.Empty,
        OccurredAt = DateTimeOffset.UtcNow,
        StackName = stackName,
        Known = true,
        Ready = false,
        State = state,
    };

    public void Failed(string stackName, string step, string reason) => _stacks[stackName] = new StackStatus
    {
        FlowId = Guid.Empty,
        OccurredAt = DateTimeOffset.UtcNow,
        StackName = stackName,
        Known = true,
        Ready = false,
        State = "Failed",
        FailedStep = step,
        Reason = reason,
    };

    public async Task Consume(ConsumeContext<GetStackStatus> context)
    {
        Asked.Enqueue(context.Message);
        var status = _stacks.TryGetValue(context.Message.StackName, out var known)
            ? known with { FlowId = context.Message.FlowId, OccurredAt = DateTimeOffset.UtcNow }
            : new StackStatus
            {
                FlowId = context.Message.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = context.Message.StackName,
                Known = false,
                Ready = false,
            };
        await context.RespondAsync(status);
    }

    public Task WaitAskedAsync(string stackName) =>
        Eventually.HoldsAsync(() => Asked.Any(a => a.StackName == stackName), $"GetStackStatus about {stackName}");
}
