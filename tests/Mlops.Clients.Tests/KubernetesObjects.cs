using k8s.Models;
using Mlops.Clients.Kubernetes.Models;

namespace Mlops.Clients.Tests;

/// <summary>Objects the services write, in the shapes they write them.</summary>
public static class KubernetesObjects
{
    public static V1Deployment Deployment(string name, string image = "ghcr.io/mlflow/mlflow:v2.21.3", params V1EnvVar[] env) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container { Name = "server", Image = image, Env = env.Length == 0 ? [Env("A", "1")] : env.ToList() },
                    ],
                },
            },
        },
    };

    public static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    public static V1Secret Secret(string name, string key, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["stack"] = "homelab" } },
        StringData = new Dictionary<string, string> { [key] = value },
    };

    /// <summary>The sandbox's sealing: <c>base64("sandbox-sealed:" + plaintext)</c>.</summary>
    public static string Sealed(string plaintext) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("sandbox-sealed:" + plaintext));

    public static SealedSecret SealedSecret(string name, IDictionary<string, string> sealedValues) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new SealedSecretSpec
        {
            EncryptedData = sealedValues,
            Template = new SealedSecretTemplate { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["stack"] = "homelab" } }, Type = "Opaque" },
        },
    };

    public static Workflow Workflow(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "training" } },
        Spec = new WorkflowSpec
        {
            Entrypoint = "train",
            Templates = [new WorkflowTemplate { Name = "train", Container = new V1Container { Name = "main", Image = "python:3.11", Command = ["python", "train.py"] } }],
            Arguments = new WorkflowArguments { Parameters = [new WorkflowParameter { Name = "epochs", Value = "5" }] },
        },
    };
}
