using k8s;
using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Models that load for 2 s, seven times the liveness probe's budget in the sandbox.</summary>
[Collection(ServingSlowCollection.Name)]
public sealed class ServingWhenAModelLoadsSlowly(ServingSlowCluster cluster)
{
    [Fact]
    public async Task Should_serve_it_because_the_startup_probe_holds_the_liveness_probe_off()
    {
        var version = await ServingModels.RegisterAsync(cluster, "slow_loading_model");

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Served, answer.Outcome);
        var pod = Assert.Single((await cluster.Kubernetes.CoreV1.ListNamespacedPodAsync(ServingCluster.Namespace, labelSelector: "model=slow-loading-model")).Items);
        var container = Assert.Single(pod.Status.ContainerStatuses);
        Assert.Equal(0, container.RestartCount);
        Assert.True(container.Ready);
        var spec = pod.Spec.Containers.Single();
        Assert.True(spec.StartupProbe.FailureThreshold * spec.StartupProbe.PeriodSeconds > spec.LivenessProbe.FailureThreshold * spec.LivenessProbe.PeriodSeconds);
    }

    [Fact]
    public async Task Should_finish_a_rollout_once_when_the_promoter_restarts_in_the_middle_of_it()
    {
        const string model = "restarted_rollout_model";
        var version = await ServingModels.RegisterAsync(cluster, model);
        var before = cluster.LastRequest;

        var promotion = await cluster.ServeAsync(version);
        await cluster.WaitForStateAsync(model, "RollingOut");
        await cluster.RestartAsync();

        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(promotion)).Outcome);
        Assert.Single(cluster.Of<ServingRolloutComplete>(), e => e.ModelName == model);
        Assert.Single(cluster.Of<ModelPromoted>(), e => e.ModelName == model);
        Assert.Equal("create", Assert.Single(cluster.DeploymentWrites(before)).Verb);
        Assert.Equal("1", await cluster.AliasAsync(model));
        Assert.Equal("Serving", await cluster.SagaStateAsync(model));
    }
}
