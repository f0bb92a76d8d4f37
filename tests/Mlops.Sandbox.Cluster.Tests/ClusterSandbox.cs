using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Minio.DataModel.Args;
using Mlops.Sandbox.Kubernetes.Tests;
using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// The whole sandbox (the shared <see cref="SandboxFixture"/>) with kubectl pointed at it, for tests that drive pods
/// through the kubelet. Subclasses add settings.
/// </summary>
public class ClusterSandbox : IAsyncLifetime, IDisposable
{
    private SandboxFixture? _fixture;
    private Kubectl? _kubectl;

    public SandboxFixture Fixture => _fixture ?? throw new InvalidOperationException("not started");

    public IKubernetes Client => Fixture.Kubernetes;

    public Kubectl Kubectl => _kubectl ?? throw new InvalidOperationException("not started");

    /// <summary>Settings added to the fixture's fast ones.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        _fixture = await SandboxFixture.StartAsync(MoreSettings);
        _kubectl = new Kubectl(_fixture.KubernetesUrl);
    }

    /// <summary>Applies <paramref name="yaml"/> with kubectl and returns what it printed.</summary>
    public async Task<string> ApplyAsync(string yaml) =>
        (await Kubectl.RunAsync("apply", "-f", Kubectl.WriteManifest(yaml))).Succeeded().Output;

    /// <summary>Bucket <c>mlflow</c>, MLflow's artifact root, as the product provisions it before training.</summary>
    public async Task EnsureMlflowBucketAsync()
    {
        if (!await Fixture.Minio.BucketExistsAsync(new BucketExistsArgs().WithBucket("mlflow")))
            await Fixture.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
    }

    /// <summary>The one pod a Deployment or Job labelled <paramref name="selector"/> has, once it has one.</summary>
    public Task<V1Pod> PodAsync(string ns, string selector) =>
        Eventually.ReturnsAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector)).Items.SingleOrDefault(), $"a pod {selector} in {ns}");

    /// <summary>Waits until the pod <paramref name="selector"/> picks satisfies <paramref name="condition"/>, and returns it.</summary>
    public Task<V1Pod> PodWhenAsync(string ns, string selector, Func<V1Pod, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector)).Items.FirstOrDefault(condition), what, timeout);

    /// <summary>A JSON path of the stored object as kubectl's <c>-o jsonpath</c> prints it.</summary>
    public async Task<string> JsonPathAsync(string ns, string what, string path) =>
        (await Kubectl.RunAsync("get", what, "-n", ns, "-o", $"jsonpath={path}")).Succeeded().Output;

    /// <summary>The body of a JSON answer.</summary>
    public static JsonNode Json(string text) => JsonNode.Parse(text) ?? throw new InvalidOperationException("empty JSON");

    public virtual async Task DisposeAsync()
    {
        Dispose();
        if (_fixture is not null)
            await _fixture.DisposeAsync();
        _fixture = null;
    }

    public void Dispose()
    {
        _kubectl?.Dispose();
        _kubectl = null;
        GC.SuppressFinalize(this);
    }
}
