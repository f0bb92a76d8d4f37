using System.Text;
using k8s;
using k8s.Models;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>
/// Runs <c>train.py</c> as a person's Job in the sandbox, outside the product (no <c>mlops.*</c> tags): the sandbox's training
/// hook logs the run, uploads the model to MinIO (so MinIO announces its MLmodel) and registers a version when asked to.
/// </summary>
public static class TrainingScript
{
    public static async Task<V1Job> RunAsync(PromoterSandbox sandbox, string? runId, params string[] args)
    {
        var kubernetes = sandbox.Sandbox.Kubernetes;
        var ns = $"laptop-{Guid.NewGuid():N}"[..20];
        await kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-credentials" },
            Data = new Dictionary<string, byte[]>
            {
                ["AWS_ACCESS_KEY_ID"] = Encoding.UTF8.GetBytes(SandboxFixture.RootUser),
                ["AWS_SECRET_ACCESS_KEY"] = Encoding.UTF8.GetBytes(SandboxFixture.RootPassword),
            },
        }, ns);
        var env = new List<V1EnvVar>
        {
            new() { Name = "MLFLOW_TRACKING_URI", Value = "http://mlflow.mlflow.svc.cluster.local:5000" },
            new() { Name = "MLFLOW_S3_ENDPOINT_URL", Value = "http://minio.minio.svc.cluster.local:9000" },
            Secret("AWS_ACCESS_KEY_ID"),
            Secret("AWS_SECRET_ACCESS_KEY"),
        };
        if (runId is not null)
            env.Add(new V1EnvVar { Name = "MLFLOW_RUN_ID", Value = runId });
        await kubernetes.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "train" },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        Containers = [new V1Container { Name = "train", Image = "ghcr.io/example/cnn-train:1.0", Command = ["python", "train.py"], Args = args, Env = env }],
                    },
                },
            },
        }, ns);
        var job = await Eventually.ReturnsAsync(async () =>
        {
            var current = await kubernetes.BatchV1.ReadNamespacedJobAsync("train", ns);
            return current.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true ? current : null;
        }, "the training Job to finish", TimeSpan.FromSeconds(60));
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        return job;

        static V1EnvVar Secret(string key) =>
            new() { Name = key, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = key, Name = "minio-credentials" } } };
    }
}
