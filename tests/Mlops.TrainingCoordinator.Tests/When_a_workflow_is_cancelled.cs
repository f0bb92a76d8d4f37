using k8s;
using Mlops.Clients.Kubernetes.Models;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>CancelSaga of a run on the argo runner deletes its Workflow and ends the run Cancelled.</summary>
public sealed class When_a_workflow_is_cancelled(SlowWorkflowSandbox sandbox) : IClassFixture<SlowWorkflowSandbox>
{
    [Fact]
    public async Task Should_delete_the_workflow_and_end_cancelled()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with { Runner = "argo" };
        var id = request.TrainingId!.Value;
        await rig.PublishAsync(request);
        var submitted = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Submitted.FirstOrDefault(e => e.TrainingId == id)), "the Workflow submitted");
        Assert.Single(await WorkflowsAsync(rig, stack.Namespace));

        await rig.CancelAsync(id, "wrong data");

        var cancelled = await rig.CancelledAsync(id);
        Assert.Equal("cancelled by ops@example.org: wrong data", cancelled.Reason);
        Assert.Equal(submitted.JobName, cancelled.JobName);
        await rig.InStateAsync(id, "Cancelled");
        await Eventually.HoldsAsync(async () => (await WorkflowsAsync(rig, stack.Namespace)).Count == 0, "the Workflow deleted");
        Assert.Contains(sandbox.Sandbox.Requests.Snapshot("kubernetes"), r => r.Verb == "delete" && r.Resource == "workflows" && r.Name == submitted.JobName);
        Assert.Empty(rig.Events.Registered);
    }

    private static async Task<IReadOnlyList<Workflow>> WorkflowsAsync(CoordinatorRig rig, string ns) =>
        (await rig.Kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<WorkflowList>(
            Workflow.KubeGroup, Workflow.KubeApiVersion, ns, Workflow.KubePluralName, labelSelector: Jobs.TrainingLabels.Selector)).Items.ToList();
}
