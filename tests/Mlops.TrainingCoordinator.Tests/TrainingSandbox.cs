using Minio.DataModel.Args;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// The in-process sandbox with a MinIO user for the training pods (its secret random per run, so a leak is findable in
/// any log) and MLflow's artifact bucket <c>mlflow</c>. One per test class.
/// </summary>
public sealed class TrainingSandbox : IAsyncLifetime
{
    public const string AccessKey = "training-pods";

    public const string ArtifactBucket = "mlflow";

    private SandboxFixture? _sandbox;

    public string SecretKey { get; } = "tr-secret-" + Guid.NewGuid().ToString("N");

    public SandboxFixture Sandbox => _sandbox ?? throw new InvalidOperationException("The sandbox is not started.");

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxFixture.StartAsync(new Dictionary<string, string?>
        {
            [$"Sandbox:s3:Users:{AccessKey}"] = SecretKey,
        });
        await _sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(ArtifactBucket));
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
            await _sandbox.DisposeAsync();
    }
}
