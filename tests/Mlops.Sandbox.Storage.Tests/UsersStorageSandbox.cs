namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A storage sandbox whose MinIO knows two more access keys: one that may write, one read-only.</summary>
public sealed class UsersStorageSandbox : StorageSandbox
{
    public const string Writer = "training-writer";
    public const string WriterSecret = "writer-secret-123";
    public const string Reader = "model-server";
    public const string ReaderSecret = "reader-secret-123";

    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>
    {
        [$"Sandbox:s3:Users:{Writer}"] = WriterSecret,
        [$"Sandbox:s3:ReadOnlyUsers:{Reader}"] = ReaderSecret,
    };
}
