namespace Mlops.Provisioner.Ops;

/// <summary>One step of a dry run: create, update or unchanged, why, and whether it would run or only be verified (<c>only</c>).</summary>
public sealed record StackStepChange
{
    public required string Step { get; init; }

    /// <summary><c>create</c>, <c>update</c> or <c>unchanged</c> (<see cref="StackDryRun"/>).</summary>
    public required string Change { get; init; }

    public required string Why { get; init; }

    /// <summary>False when the file's or the request's <c>only</c> leaves the step out: it would only be verified.</summary>
    public required bool Runs { get; init; }
}
