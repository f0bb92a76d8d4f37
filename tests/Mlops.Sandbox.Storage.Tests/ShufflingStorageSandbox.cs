namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A storage sandbox whose MinIO shuffles events written within a second of each other (<c>Sandbox:s3:EventShuffleWindow</c>).</summary>
public sealed class ShufflingStorageSandbox : StorageSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?> { ["Sandbox:s3:EventShuffleWindow"] = "00:00:01" };
}
