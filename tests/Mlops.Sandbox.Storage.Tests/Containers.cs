using System.Text;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Testing;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Container starts built as the kubelet builds them, and the waits a probe or a test does on their processes.</summary>
public static class Containers
{
    public const string ProductImage = "ghcr.io/mlops-control-plane/mlflow-model-server-pytorch:1.0.0";

    /// <summary>The env a model server or training pod gets in the stack: in-cluster addresses and the MinIO keys.</summary>
    public static Dictionary<string, string> StackEnv(string secretKey = StorageSandbox.SecretKey) => new()
    {
        ["MLFLOW_TRACKING_URI"] = "http://mlflow.mlflow.svc.cluster.local:5000",
        ["MLFLOW_S3_ENDPOINT_URL"] = "http://minio.minio.svc.cluster.local:9000",
        ["AWS_ACCESS_KEY_ID"] = StorageSandbox.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secretKey,
    };

    public static ContainerLaunch Launch(string image, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env, CapturedLog log,
        IReadOnlyList<string>? args = null, string ns = "mlflow") => new()
    {
        Namespace = ns,
        PodName = $"pod-{Guid.NewGuid():N}"[..12],
        ContainerName = "main",
        Image = image,
        Command = command,
        Args = args ?? [],
        Env = env,
        Pod = new JsonObject(),
        Log = log,
    };

    /// <summary>The original stack's serving command with the product's image and the image's own Python.</summary>
    public static ContainerLaunch ModelServer(string modelUri, CapturedLog log, IReadOnlyDictionary<string, string>? env = null, string image = ProductImage, string? extra = null) =>
        Launch(image, ["sh", "-c", $"mlflow models serve -m {modelUri} --host 0.0.0.0 --port 5001 --env-manager local {extra}".TrimEnd()], env ?? StackEnv(), log);

    public static Task<ContainerResponse?> GetAsync(IContainerProcess process, string path, int port = 5001) =>
        process.HandleAsync(new ContainerRequest(port, "GET", path, null, ReadOnlyMemory<byte>.Empty), CancellationToken.None);

    public static Task<ContainerResponse?> PostAsync(IContainerProcess process, string path, string contentType, string body, int port = 5001) =>
        process.HandleAsync(new ContainerRequest(port, "POST", path, contentType, Encoding.UTF8.GetBytes(body)), CancellationToken.None);

    /// <summary>Waits until <paramref name="process"/> answers 200 on <paramref name="path"/>, as a readiness probe would.</summary>
    public static async Task ReadyAsync(IContainerProcess process, CapturedLog log, string path = "/health", int port = 5001)
    {
        await Eventually.HoldsAsync(async () =>
        {
            if (process.Exited.IsCompleted)
                throw new InvalidOperationException($"the process exited {await process.Exited}: {log.Text}");
            return (await GetAsync(process, path, port))?.StatusCode == 200;
        }, $"{path} to answer 200 ({log.LastLine})");
    }

    /// <summary>The exit code of a process that must end by itself.</summary>
    public static Task<int> ExitCodeAsync(IContainerProcess process) => process.Exited.WaitAsync(TimeSpan.FromSeconds(30));

    public static string Text(ContainerResponse response) => Encoding.UTF8.GetString(response.Body.Span);
}
