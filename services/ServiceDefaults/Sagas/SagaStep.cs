using MassTransit;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// One outside call of a saga, declared once: a name (kept in the instance and the failure), the call (which reads only
/// the instance), how long it may keep trying through transient failures, and optionally what to do when it fails
/// for good instead of the state machine's default. Bound with <c>.Step(...)</c>; see docs/saga-steps.md.
/// </summary>
public sealed class SagaStep<TInstance>
    where TInstance : class, ISagaStepInstance
{
    /// <summary>How long a step keeps trying unless it says otherwise.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(10);

    public SagaStep(string name, Func<SagaStepContext<TInstance>, Task> run)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            throw new ArgumentException("A step name is 1 to 100 characters, e.g. \"create-run\".", nameof(name));
        ArgumentNullException.ThrowIfNull(run);
        Name = name;
        Run = run;
    }

    public string Name { get; }

    /// <summary>The call; it may set instance data and must be safe to run again (apply, ensure, create-or-get).</summary>
    public Func<SagaStepContext<TInstance>, Task> Run { get; }

    /// <summary>The overall time the step may keep trying through transient failures, counted from its first attempt.</summary>
    public TimeSpan Deadline { get; init; } = DefaultDeadline;

    /// <summary>Runs after the saga moved to its failed state, instead of the state machine's own callback (e.g. to publish a failure event).</summary>
    public Func<BehaviorContext<TInstance>, SagaStepFailure, Task>? OnFailed { get; init; }

    public override string ToString() => Name;
}
