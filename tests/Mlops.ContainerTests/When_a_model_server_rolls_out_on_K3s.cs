using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.ModelPromoter.Watchers;

namespace Mlops.ContainerTests;

/// <summary>
/// The product's Kubernetes client against a real API server and its controllers: a Deployment applied, watched until
/// kubectl's rule (the ModelPromoter's <see cref="RolloutRule"/>) calls it rolled out or failed.
/// </summary>
[Collection(K3sCollection.Name)]
public sealed class When_a_model_server_rolls_out_on_K3s(K3sCluster cluster)
{
    private static readonly TimeSpan RolloutTimeout = TimeSpan.FromMinutes(4);

    [DockerFact]
    public async Task Should_apply_a_Deployment_and_watch_it_roll_out()
    {
        var ns = await cluster.CreateNamespaceAsync("serving");

        await cluster.Admin.ApplyAsync(ModelServerStandIn.Deployment("iris", ns, ContainerImages.ModelServerStandIn));

        var verdict = await WatchUntilDecidedAsync("iris", ns);
        Assert.Equal(RolloutStatus.Complete, verdict.Status);
        Assert.Equal("deployment \"iris\" successfully rolled out", verdict.Message);
    }

    [DockerFact]
    public async Task Should_roll_a_changed_template_to_a_new_generation_and_leave_an_unchanged_one_alone()
    {
        var ns = await cluster.CreateNamespaceAsync("serving");
        await cluster.Admin.ApplyAsync(ModelServerStandIn.Deployment("iris", ns, ContainerImages.ModelServerStandIn, version: "1"));
        await WatchUntilDecidedAsync("iris", ns);

        var same = await cluster.Admin.ApplyAsync(ModelServerStandIn.Deployment("iris", ns, ContainerImages.ModelServerStandIn, version: "1"));
        var next = await cluster.Admin.ApplyAsync(ModelServerStandIn.Deployment("iris", ns, ContainerImages.ModelServerStandIn, version: "2"));

        Assert.Equal(1, same.Metadata.Generation);
        Assert.Equal(2, next.Metadata.Generation);
        Assert.Equal(RolloutStatus.Complete, (await WatchUntilDecidedAsync("iris", ns)).Status);
        var deployment = await cluster.Admin.GetAsync<V1Deployment>("iris", ns);
        Assert.Equal("2", deployment!.Spec.Template.Metadata.Annotations["mlops.dev/model-version"]);
    }

    [DockerFact]
    public async Task Should_fail_a_rollout_whose_image_cannot_be_pulled_at_its_progress_deadline()
    {
        var ns = await cluster.CreateNamespaceAsync("serving");

        await cluster.Admin.ApplyAsync(ModelServerStandIn.Deployment("broken", ns, "registry.invalid/model-server:1", progressDeadlineSeconds: 15));

        var verdict = await WatchUntilDecidedAsync("broken", ns);
        Assert.Equal(RolloutStatus.Failed, verdict.Status);
        Assert.Equal("deployment \"broken\" exceeded its progress deadline", verdict.Message);
    }

    /// <summary>Watches the Deployment (current state first) until the rule says Complete or Failed.</summary>
    private async Task<RolloutVerdict> WatchUntilDecidedAsync(string name, string ns)
    {
        using var timeout = new CancellationTokenSource(RolloutTimeout);
        try
        {
            while (true)
            {
                // A watch the server ends is opened again from the current state.
                await foreach (var change in cluster.Admin.WatchAsync<V1Deployment>(ModelServerStandIn.Selector(name), ns: ns, cancellationToken: timeout.Token))
                {
                    if (change.Type == k8s.WatchEventType.Deleted)
                        throw new InvalidOperationException($"deployment {ns}/{name} was deleted while watched");
                    var verdict = RolloutRule.Evaluate(change.Object);
                    if (verdict.Status != RolloutStatus.Progressing)
                        return verdict;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var last = await cluster.Admin.GetAsync<V1Deployment>(name, ns);
            throw new TimeoutException($"deployment {ns}/{name} still undecided after {RolloutTimeout}: {(last is null ? "gone" : RolloutRule.Evaluate(last).Message)}");
        }
    }
}
