namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A storage sandbox with its MinIO data in a given folder (<c>Sandbox:s3:DataDirectory</c>), so a second one can start on the same data.</summary>
public sealed class PersistentStorageSandbox(string dataDirectory) : StorageSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?> { ["Sandbox:s3:DataDirectory"] = dataDirectory };
}
