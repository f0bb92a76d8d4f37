namespace Mlops.Contracts;

/// <summary>The stack's Secrets exist with the expected keys (created from SealedSecrets).</summary>
public sealed record SecretsReady : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required string Namespace { get; init; }

    public IReadOnlyList<string> SecretNames { get; init; } = [];
}
