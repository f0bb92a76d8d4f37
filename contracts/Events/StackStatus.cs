namespace Mlops.Contracts;

/// <summary>The answer to <see cref="GetStackStatus"/>: whether the stack is ready, and if not, where it stopped.</summary>
public sealed record StackStatus : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    /// <summary>False when the Provisioner has never been asked to provision this stack.</summary>
    public required bool Known { get; init; }

    public required bool Ready { get; init; }

    /// <summary>The stack saga's state, e.g. <c>ProvisioningSecrets</c>, <c>Ready</c>, <c>Failed</c>.</summary>
    public string? State { get; init; }

    public string? FailedStep { get; init; }

    public string? Reason { get; init; }

    /// <summary>What <see cref="StackReady"/> announced, when the stack is ready.</summary>
    public StackReady? Stack { get; init; }
}
