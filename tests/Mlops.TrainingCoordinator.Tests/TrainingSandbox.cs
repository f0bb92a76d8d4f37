using Minio.DataModel.Args;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// The in-process sandbox with a MinIO user for the training pods (its secret random per run, so a leak is findable in
/// any log) and MLflow's artifact bucket <c>mlflow</c>. One per test class.
/// </summary>
public class TrainingSandbox : IAsyncLifetime
{
    public const string AccessKey = "training-pods";

    public const string ArtifactBucket = "mlflow";

    private SandboxFixture? _sandbox;

    public string SecretKey { get; } = "tr-secret-" + Guid.NewGuid().ToString("N");

    public SandboxFixture Sandbox => _sandbox ?? throw new InvalidOperationException("The sandbox is not started.");

    /// <summary>Settings of the sandbox beyond its fast timings and the training user.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(MoreSettings) { [$"Sandbox:s3:Users:{AccessKey}"] = SecretKey };
        _sandbox = await SandboxFixture.StartAsync(settings);
        await _sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(ArtifactBucket));
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
            await _sandbox.DisposeAsync();
    }
}
