using k8s;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>Credentials reach the training pod only as references to the stack's Secret; no value is in a spec or a log line.</summary>
public sealed class When_a_pod_needs_the_stacks_credentials(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_give_the_pod_references_to_the_stacks_Secret_and_in_cluster_addresses_and_log_no_secret()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);

        await rig.PublishAsync(request);
        var registered = await rig.RegisteredAsync(request.TrainingId!.Value);

        var job = Assert.Single(await rig.JobsAsync(stack.Namespace));
        var manifest = KubernetesJson.Serialize(job);
        Assert.DoesNotContain(sandbox.SecretKey, manifest, StringComparison.Ordinal);
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        var env = container.Env.ToDictionary(e => e.Name);
        foreach (var (name, key) in new[] { ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"), ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY") })
        {
            Assert.Null(env[name].Value);
            Assert.Equal(CoordinatorRig.SecretName, env[name].ValueFrom.SecretKeyRef.Name);
            Assert.Equal(key, env[name].ValueFrom.SecretKeyRef.Key);
        }
        Assert.Equal(stack.MlflowTrackingUri, env["MLFLOW_TRACKING_URI"].Value);
        Assert.Equal(stack.MinioEndpoint, env["MLFLOW_S3_ENDPOINT_URL"].Value);
        Assert.Equal(registered.RunId, env["MLFLOW_RUN_ID"].Value);
        Assert.False(string.IsNullOrEmpty(env["MLFLOW_EXPERIMENT_ID"].Value));
        Assert.Equal(["python", "train.py"], container.Command);
        Assert.Equal(["--save_dir", "models", "--arch", "vgg16", "--epochs", "5"], container.Args);
        Assert.Equal(0, job.Spec.BackoffLimit);
        Assert.True(job.Spec.ActiveDeadlineSeconds > 0);
        Assert.True(job.Spec.TtlSecondsAfterFinished > 0);
        Assert.Equal(request.TrainingId.Value.ToString("D"), job.Metadata.Annotations["mlops.dev/saga-id"]);
        Assert.Equal("mlops-training-coordinator", job.Spec.Template.Metadata.Labels["app.kubernetes.io/managed-by"]);

        // The pod really got the credentials (it uploaded the model), and nothing the service logged holds the secret.
        Assert.NotEmpty(rig.Coordinator!.Logs.Entries);
        Assert.DoesNotContain(rig.Coordinator.Logs.Entries, e => e.Message.Contains(sandbox.SecretKey, StringComparison.Ordinal)
            || e.Scope.Values.Any(v => v?.ToString()?.Contains(sandbox.SecretKey, StringComparison.Ordinal) == true));
    }
}
