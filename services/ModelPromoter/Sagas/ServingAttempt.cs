using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// One attempt to serve a request: the plan, what it changed in the cluster (so a failure can undo exactly that), the
/// rollout it waits for, the smoke check, and how it failed. The failed attempt stays in the saga while it is failed, so a
/// replay can serve the same request again.
/// </summary>
public sealed class ServingAttempt
{
    public required ServingRequest Request { get; set; }

    public required DateTimeOffset StartedAt { get; set; }

    public ModelServerPlan? Plan { get; set; }

    public ModelServerPlacement? Placement { get; set; }

    /// <summary>The pod template this attempt writes (JSON) and its hash.</summary>
    public string? TemplateJson { get; set; }

    public string? TemplateHash { get; set; }

    /// <summary>This attempt created the Deployment (a first deployment): undoing it removes it.</summary>
    public bool CreatedDeployment { get; set; }

    public bool CreatedService { get; set; }

    public bool CreatedIngress { get; set; }

    /// <summary>This attempt changed an existing Deployment's template: undoing it restores <see cref="PreviousTemplateJson"/>.</summary>
    public bool ReplacedTemplate { get; set; }

    public string? PreviousTemplateJson { get; set; }

    public string? PreviousTemplateHash { get; set; }

    public int? PreviousReplicas { get; set; }

    public string? PreviousVersion { get; set; }

    public string? DeploymentUid { get; set; }

    /// <summary>The generation the rollout watcher must report as observed and complete.</summary>
    public long? DeploymentGeneration { get; set; }

    /// <summary>The Deployment already ran exactly this template, rolled out: nothing to wait for.</summary>
    public bool RolledOutWhenDeployed { get; set; }

    /// <summary>The rollout watcher's last word while waiting.</summary>
    public string? Progress { get; set; }

    /// <summary>The deadline of the current wait; a timeout for an earlier one is stale.</summary>
    public DateTimeOffset? WaitDeadlineAt { get; set; }

    public string? SmokeCheck { get; set; }

    /// <summary>Where it failed: a step name, <c>rollout</c>, or <c>rollout-deadline</c>.</summary>
    public string? FailedIn { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>The rollout failed by kubectl's rule: read the pods for the reason before undoing anything.</summary>
    public bool DiagnosePods { get; set; }

    public string? RollbackUid { get; set; }

    public long? RollbackGeneration { get; set; }

    /// <summary>What the rollback did, for people.</summary>
    public string? RollbackNote { get; set; }

    /// <summary>Why the rollback itself did not finish, when it did not.</summary>
    public string? RollbackFailure { get; set; }

    /// <summary>Back to the state before the attempt changed anything, as when it starts (also for a replay).</summary>
    public void Reset()
    {
        Plan = null;
        Placement = null;
        TemplateJson = TemplateHash = null;
        CreatedDeployment = CreatedService = CreatedIngress = ReplacedTemplate = false;
        PreviousTemplateJson = PreviousTemplateHash = PreviousVersion = null;
        PreviousReplicas = null;
        DeploymentUid = null;
        DeploymentGeneration = null;
        RolledOutWhenDeployed = false;
        Progress = null;
        WaitDeadlineAt = null;
        SmokeCheck = null;
        FailedIn = FailureReason = null;
        DiagnosePods = false;
        RollbackUid = null;
        RollbackGeneration = null;
        RollbackNote = RollbackFailure = null;
    }

    /// <summary>Whether anything in the cluster must be undone after a failure.</summary>
    public bool ChangedCluster => CreatedDeployment || CreatedService || CreatedIngress || ReplacedTemplate;
}
