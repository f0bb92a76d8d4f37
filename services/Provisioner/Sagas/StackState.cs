using MassTransit;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.Provisioner.Sagas;

/// <summary>One stack being set up and kept so: its description, where provisioning stands, and what the steps applied.</summary>
public sealed class StackState : ISagaStepInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string? CurrentState { get; set; }

    public int Version { get; set; }

    /// <summary>The flow of the last <c>ProvisionStack</c>; reconciliation reports under it too.</summary>
    public Guid FlowId { get; set; }

    [SagaIndex]
    public string? StackName { get; set; }

    /// <summary>The stack's description, as last asked for.</summary>
    public ProvisionStack? Stack { get; set; }

    public string? RequestedBy { get; set; }

    public StackRunKind Run { get; set; }

    public DateTimeOffset? RunStartedAt { get; set; }

    /// <summary>What this run changed (provisioning) or found drifted and repaired (reconciliation).</summary>
    public List<StackDrift> Changes { get; set; } = [];

    /// <summary>
    /// A hash of each SealedSecret manifest as last applied, by <c>namespace/name</c>: the manifest is applied again only
    /// when the stack's changes or the SealedSecret is gone, as <c>kubectl apply</c> leaves others' edits alone.
    /// </summary>
    public Dictionary<string, string> AppliedSealedSecrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The ModelPromoter's webhook in MLflow, once registered.</summary>
    public string? WebhookId { get; set; }

    /// <summary>A salted hash of the signing secret registered with the webhook (MLflow never returns it).</summary>
    public string? WebhookSecretHash { get; set; }

    /// <summary>True once MLflow's test delivery reached the ModelPromoter after the webhook was last registered or changed.</summary>
    public bool WebhookProven { get; set; }

    /// <summary>What the last <see cref="StackReady"/> announced.</summary>
    public StackReady? Announced { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    public DateTimeOffset? ReconciledAt { get; set; }

    /// <summary>When the next reconciliation is due, while the stack is ready; an older deadline arriving late is ignored.</summary>
    public DateTimeOffset? NextReconcileAt { get; set; }

    public SagaStepProgress? PendingStep { get; set; }

    public SagaStepFailure? FailedStep { get; set; }
}
