using k8s;
using Mlops.Contracts;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Tests.Rules;

/// <summary>The Job and the Workflow carry the request's resources, GPUs, scheduling, volumes and pull secrets.</summary>
public sealed class TrainingManifestsTests
{
    private static TrainingRunState Run()
    {
        var request = new StartTraining
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            StackName = "homelab",
            Image = "ghcr.io/example/cnn-train:1.4",
            ServiceAccount = "trainer",
            ImagePullSecrets = ["regcred"],
            Timeout = TimeSpan.FromMinutes(90),
            Resources = new TrainingResources
            {
                Cpu = "2",
                Memory = "8Gi",
                Gpus = 1,
                NodeSelector = new Dictionary<string, string> { ["nvidia.com/gpu.present"] = "true" },
                Tolerations = [new TrainingToleration { Key = "nvidia.com/gpu", Effect = "NoSchedule" }],
            },
            Volumes = [new TrainingVolume { Name = "data", MountPath = "/data", ClaimName = "flowers", ReadOnly = true, TrainingData = true }],
        };
        return new TrainingRunState
        {
            CorrelationId = Guid.NewGuid(),
            FlowId = request.FlowId,
            StackName = "homelab",
            Plan = TrainingPlan.From(request, new TrainingSettings()),
            Target = new StackTarget
            {
                Namespace = "homelab",
                MlflowTrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
                MinioEndpoint = "http://minio.minio.svc.cluster.local:9000",
                SecretName = "minio-credentials",
                AccessKeyIdKey = "AWS_ACCESS_KEY_ID",
                SecretAccessKeyKey = "AWS_SECRET_ACCESS_KEY",
            },
            ExperimentId = "3",
            RunId = "6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f",
            JobName = "train-cnn-classifier-6f1c2d9e4b7a-1",
        };
    }

    [Fact]
    public void Should_ask_for_the_gpu_as_a_limit_and_schedule_on_gpu_nodes()
    {
        var job = TrainingManifests.Job(Run(), new TrainingSettings());
        var pod = job.Spec.Template.Spec;
        var container = pod.Containers.Single();
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("2", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("8Gi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("true", pod.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (pod.Tolerations.Single().Key, pod.Tolerations.Single().OperatorProperty, pod.Tolerations.Single().Effect));
        Assert.Equal("flowers", pod.Volumes.Single().PersistentVolumeClaim.ClaimName);
        Assert.Equal(("/data", true), (container.VolumeMounts.Single().MountPath, container.VolumeMounts.Single().ReadOnlyProperty == true));
        Assert.Equal("/data", container.Args[0]);
        Assert.Equal("regcred", pod.ImagePullSecrets.Single().Name);
        Assert.Equal("trainer", pod.ServiceAccountName);
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.Equal(5400, job.Spec.ActiveDeadlineSeconds);
    }

    [Fact]
    public void Should_put_the_same_pod_into_an_argo_workflow()
    {
        var workflow = TrainingManifests.Workflow(Run(), new TrainingSettings { BackoffLimit = 2 });
        var json = KubernetesJson.Serialize(workflow);
        Assert.Contains("\"claimName\":\"flowers\"", json);
        Assert.Contains("\"nodeSelector\":{\"nvidia.com/gpu.present\":\"true\"}", json);
        Assert.Contains("\"imagePullSecrets\":[{\"name\":\"regcred\"}]", json);
        Assert.Contains("\"retryStrategy\":{\"limit\":\"2\"}", json);
        Assert.Contains("\"secondsAfterCompletion\":86400", json);
        Assert.Contains("\"mlops.dev/saga-id\"", json);
        var container = workflow.Spec.Templates.Single().Container!;
        Assert.Equal("minio-credentials", container.Env.Single(e => e.Name == "AWS_ACCESS_KEY_ID").ValueFrom.SecretKeyRef.Name);
        Assert.Equal(5400, workflow.Spec.ActiveDeadlineSeconds);
    }
}
