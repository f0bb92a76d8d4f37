using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>What the ops API knows of one saga type of the service: its state machine, whether it takes replays and cancels.</summary>
public abstract class OpsSagaType
{
    /// <summary>The name the saga store lists, e.g. <c>StackState</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The step that failed, as the stored document says, or null.</summary>
    public abstract SagaStepFailure? FailedStep(SagaInstanceRecord record);

    /// <summary>Why a replay would change nothing (the 409 answer), or null when it would re-run the failed step.</summary>
    public abstract string? ReplayRefusal(SagaInstanceRecord record);

    /// <summary>Why a cancel cannot be asked for (the 409 answer), or null.</summary>
    public abstract string? CancelRefusal(SagaInstanceRecord record);
}
