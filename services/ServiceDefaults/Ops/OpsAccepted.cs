namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// Answer of a command endpoint: 202 once the command is committed to the outbox, or 200 with <see cref="Duplicate"/> when the
/// same request was committed before and nothing new was sent.
/// </summary>
public sealed record OpsAccepted
{
    public required string Command { get; init; }

    /// <summary>The MessageId the command was published with; null for a duplicate.</summary>
    public Guid? MessageId { get; init; }
    public Guid? FlowId { get; init; }
    public Guid? SagaId { get; init; }
    public required string RequestedBy { get; init; }
    public bool Duplicate { get; init; }
}
