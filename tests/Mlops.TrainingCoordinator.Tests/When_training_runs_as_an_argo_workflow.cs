using k8s;
using Mlops.Clients.Kubernetes.Models;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>The argo runner: the same container as an Argo Workflow, followed to the same READY version.</summary>
public sealed class When_training_runs_as_an_argo_workflow(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_submit_a_workflow_instead_of_a_job_and_end_with_a_READY_version()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with { Runner = "argo" };
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var registered = await rig.RegisteredAsync(id);
        var version = await MlflowReads.VersionAsync(sandbox.Sandbox.Mlflow, request.ModelName, registered.Version);
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.True(registered.Metrics.ContainsKey("accuracy"));
        var submitted = Assert.Single(rig.Events.Submitted, e => e.TrainingId == id);
        Assert.Equal("Workflow", submitted.Kind);
        Assert.Empty(await rig.JobsAsync(stack.Namespace));
        var workflows = await rig.Kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<WorkflowList>(
            Workflow.KubeGroup, Workflow.KubeApiVersion, stack.Namespace, Workflow.KubePluralName, labelSelector: "app.kubernetes.io/managed-by=mlops-training-coordinator");
        var workflow = Assert.Single(workflows.Items);
        Assert.Equal(submitted.JobName, workflow.Metadata.Name);
        Assert.Equal("Succeeded", workflow.Status!.Phase);
        var container = Assert.Single(workflow.Spec.Templates).Container!;
        Assert.Equal("train", workflow.Spec.Entrypoint);
        Assert.Equal(CoordinatorRig.SecretName, container.Env.Single(e => e.Name == "AWS_SECRET_ACCESS_KEY").ValueFrom.SecretKeyRef.Name);
        Assert.DoesNotContain(sandbox.SecretKey, k8s.KubernetesJson.Serialize(workflow), StringComparison.Ordinal);
    }
}
