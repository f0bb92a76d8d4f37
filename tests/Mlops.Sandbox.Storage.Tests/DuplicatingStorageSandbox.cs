namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A storage sandbox whose MinIO delivers every event twice (<c>Sandbox:s3:EventCopies</c> = 2).</summary>
public sealed class DuplicatingStorageSandbox : StorageSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?> { ["Sandbox:s3:EventCopies"] = "2" };
}
