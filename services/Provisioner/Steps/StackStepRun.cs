using Mlops.Contracts;
using Mlops.Provisioner.Sagas;
using Mlops.ServiceDefaults.Messaging;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// What a step works with: the stack, whether it may change things or only verify them, the clock, and how it records
/// what it changed and names a failure.
/// </summary>
public sealed class StackStepRun
{
    private readonly SagaStepContext<StackState> _step;
    private readonly TimeProvider _time;

    public StackStepRun(SagaStepContext<StackState> step, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(step);
        _step = step;
        _time = time;
        Stack = step.Saga.Stack ?? throw new InvalidOperationException($"Stack saga {step.Saga.CorrelationId} runs step {step.Step} without a stack description.");
    }

    public StackState Saga => _step.Saga;

    public ProvisionStack Stack { get; }

    public string Step => _step.Step;

    public CancellationToken CancellationToken => _step.CancellationToken;

    public bool Reconciling => Saga.Run == StackRunKind.Reconciling;

    /// <summary>True when the step makes its part so; false when this run only verifies it (<c>Only</c> names other steps).</summary>
    public bool Applies => Reconciling || Stack.Only.Count == 0 || Stack.Only.Contains(Step, StringComparer.Ordinal);

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>How long this run of the step has been trying (since its first attempt).</summary>
    public TimeSpan Trying => Saga.PendingStep is { } pending && pending.Step == Step ? Now - pending.StartedAt : TimeSpan.Zero;

    public T Service<T>() where T : notnull => _step.GetRequiredService<T>();

    /// <summary>Records a change the step made; in a reconciliation it is drift that was repaired.</summary>
    public void Changed(string description) => Saga.Changes.Add(new StackDrift { Step = Step, Description = description, Repaired = true });

    /// <summary>A failure waiting will not cure; the stack fails with <paramref name="reason"/>.</summary>
    public static OutsideFailureException Fail(string reason) => OutsideFailureException.Permanent(reason);

    /// <summary>Something not there yet: the step is tried again at a deadline, until its own deadline.</summary>
    public static OutsideFailureException NotYet(string reason) => OutsideFailureException.NotYet(reason);

    /// <summary>A verify-only run found its part missing or different: the failure says how to have it made.</summary>
    public OutsideFailureException NotAsDescribed(string what) =>
        Fail($"{what}; this run only verifies the {Step} step (only: {string.Join(", ", Stack.Only)}): provision with only: [{Step}], or without only, to make it so");
}
