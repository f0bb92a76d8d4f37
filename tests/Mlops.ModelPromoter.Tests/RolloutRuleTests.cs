using k8s.Models;
using Mlops.ModelPromoter.Watchers;

namespace Mlops.ModelPromoter.Tests;

/// <summary>kubectl's rollout rule, case by case, in kubectl's order.</summary>
public sealed class RolloutRuleTests
{
    private static V1Deployment Deployment(long generation = 2, long observed = 2, int? desired = 1, int replicas = 1, int updated = 1, int available = 1, string? progressing = "NewReplicaSetAvailable") => new()
    {
        Metadata = new V1ObjectMeta { Name = "mlflow-model-x-server", Generation = generation },
        Spec = new V1DeploymentSpec { Replicas = desired },
        Status = new V1DeploymentStatus
        {
            ObservedGeneration = observed,
            Replicas = replicas,
            UpdatedReplicas = updated,
            AvailableReplicas = available,
            Conditions = progressing is null ? null : [new V1DeploymentCondition { Type = "Progressing", Status = progressing == "ProgressDeadlineExceeded" ? "False" : "True", Reason = progressing }],
        },
    };

    [Fact]
    public void Should_wait_until_the_spec_change_is_observed() =>
        Assert.Equal(new RolloutVerdict(RolloutStatus.Progressing, "Waiting for deployment spec update to be observed..."),
            RolloutRule.Evaluate(Deployment(generation: 3, observed: 2, progressing: "ProgressDeadlineExceeded")));

    [Fact]
    public void Should_fail_on_an_exceeded_progress_deadline() =>
        Assert.Equal(RolloutStatus.Failed, RolloutRule.Evaluate(Deployment(updated: 0, available: 0, progressing: "ProgressDeadlineExceeded")).Status);

    [Fact]
    public void Should_wait_for_replicas_to_be_updated() =>
        Assert.Equal("Waiting for deployment \"mlflow-model-x-server\" rollout to finish: 0 out of 2 new replicas have been updated...",
            RolloutRule.Evaluate(Deployment(desired: 2, replicas: 2, updated: 0, available: 2, progressing: "ReplicaSetUpdated")).Message);

    [Fact]
    public void Should_wait_for_old_replicas_to_terminate() =>
        Assert.Equal("Waiting for deployment \"mlflow-model-x-server\" rollout to finish: 1 old replicas are pending termination...",
            RolloutRule.Evaluate(Deployment(replicas: 2, updated: 1, available: 1)).Message);

    [Fact]
    public void Should_wait_for_updated_replicas_to_be_available() =>
        Assert.Equal(RolloutStatus.Progressing, RolloutRule.Evaluate(Deployment(available: 0, progressing: "ReplicaSetUpdated")).Status);

    [Fact]
    public void Should_be_complete_otherwise() =>
        Assert.Equal(new RolloutVerdict(RolloutStatus.Complete, "deployment \"mlflow-model-x-server\" successfully rolled out"), RolloutRule.Evaluate(Deployment()));
}
