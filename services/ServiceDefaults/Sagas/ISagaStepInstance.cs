using MassTransit;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>
/// A saga instance that runs outside calls as steps: it keeps the step waiting to be tried again and the step that failed,
/// so a retry or a replay needs nothing but the instance. Both are stored with the instance's document.
/// </summary>
public interface ISagaStepInstance : SagaStateMachineInstance
{
    /// <summary>The step being tried again at a deadline after a transient failure; null when none is.</summary>
    SagaStepProgress? PendingStep { get; set; }

    /// <summary>The step that failed for good, while the saga is in its failed state; null otherwise.</summary>
    SagaStepFailure? FailedStep { get; set; }
}
