namespace Mlops.Provisioner.Ops;

/// <summary>The answer of <c>GET /ops/stacks/{name}</c>: where the stack's saga stands, from the saga store.</summary>
public sealed record StackStatusAnswer
{
    public required string Name { get; init; }

    public string? State { get; init; }

    public required bool Ready { get; init; }

    public required Guid SagaId { get; init; }

    public string? FlowId { get; init; }

    /// <summary>The step that failed and why, while the stack is failed; null otherwise.</summary>
    public StackStatusFailure? Failed { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
