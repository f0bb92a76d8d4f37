using k8s.Models;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Objects as the product builds them, for the client tests.</summary>
public static class Objects
{
    public static V1Job Job(string name, string image, IDictionary<string, string>? annotations = null, IList<V1EnvVar>? env = null, long? activeDeadlineSeconds = null) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "training" }, Annotations = annotations },
        Spec = new V1JobSpec
        {
            BackoffLimit = 2,
            ActiveDeadlineSeconds = activeDeadlineSeconds,
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec
                {
                    RestartPolicy = "Never",
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "train",
                            Image = image,
                            Command = ["sh", "-c", "echo batch done"],
                            Env = env,
                        },
                    ],
                },
            },
        },
    };

    public static V1Deployment Deployment(string name, string image, int replicas = 1) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "server",
                            Image = image,
                            Ports = [new V1ContainerPort { Name = "http", ContainerPort = 5001 }],
                            Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "2" }],
                        },
                    ],
                },
            },
        },
    };
}
