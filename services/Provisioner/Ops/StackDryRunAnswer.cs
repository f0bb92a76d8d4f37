namespace Mlops.Provisioner.Ops;

/// <summary>The answer of <c>POST /ops/stacks?dryRun=true</c>: what applying the stack file would change; nothing was sent.</summary>
public sealed record StackDryRunAnswer
{
    public required string Name { get; init; }

    /// <summary>Always true: the answer of a dry run, so a script cannot mistake it for an apply.</summary>
    public bool DryRun { get; init; } = true;

    /// <summary>The state of the stack's saga now, or null when it was never provisioned.</summary>
    public string? SagaState { get; init; }

    public required IReadOnlyList<StackStepChange> Steps { get; init; }

    /// <summary>How many steps would create or update something.</summary>
    public required int Changes { get; init; }
}
