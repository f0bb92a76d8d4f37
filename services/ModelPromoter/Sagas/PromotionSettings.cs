namespace Mlops.ModelPromoter.Sagas;

/// <summary>The <c>ModelPromoter:Promotion</c> section: how long a promotion may wait for each thing it needs.</summary>
public sealed class PromotionSettings
{
    public const string Section = "ModelPromoter:Promotion";

    /// <summary>How long an outside call (MLflow, the store) is tried through transient failures before the promotion fails.</summary>
    public TimeSpan StepDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a version still PENDING_REGISTRATION (or a gated run still RUNNING) is looked at again.</summary>
    public TimeSpan RegistrationPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a version may stay PENDING_REGISTRATION (or its gated run RUNNING) before the promotion fails.</summary>
    public TimeSpan RegistrationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the Provisioner is asked again about a stack that is not ready yet.</summary>
    public TimeSpan StackCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a promotion waits for its stack to be ready.</summary>
    public TimeSpan StackWaitTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a promotion waits for <c>ApprovePromotion</c>.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a promotion waits for the serving saga's answer (its turn in the queue and the rollout).</summary>
    public TimeSpan ServingTimeout { get; set; } = TimeSpan.FromHours(2);
}
