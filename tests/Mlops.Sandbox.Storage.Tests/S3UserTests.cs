namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Access keys added by setting sign like the root user; a read-only one reads and is refused writes with AccessDenied.</summary>
public sealed class S3UserTests(UsersStorageSandbox sandbox) : IClassFixture<UsersStorageSandbox>
{
    [Fact]
    public async Task Should_let_an_added_user_write_and_a_read_only_user_only_read()
    {
        var bucket = $"users-{Guid.NewGuid():N}"[..20];
        var writer = new Botocore(sandbox.S3Url, UsersStorageSandbox.Writer, UsersStorageSandbox.WriterSecret);
        var reader = new Botocore(sandbox.S3Url, UsersStorageSandbox.Reader, UsersStorageSandbox.ReaderSecret);
        await writer.OkAsync("create_bucket", new { bucket });
        await writer.OkAsync("put", new { bucket, key = "MLmodel", body = "artifact_path: model\n" });

        var read = await reader.OkAsync("get", new { bucket, key = "MLmodel" });
        var write = await reader.RunAsync("put", new { bucket, key = "MLmodel", body = "overwritten" });
        var wrongSecret = await new Botocore(sandbox.S3Url, UsersStorageSandbox.Reader, UsersStorageSandbox.WriterSecret).RunAsync("get", new { bucket, key = "MLmodel" });

        Assert.Equal("artifact_path: model\n", read.Text("body"));
        Assert.Equal("AccessDenied", write.Text("code"));
        Assert.Equal("SignatureDoesNotMatch", wrongSecret.Text("code"));
        Assert.Equal("artifact_path: model\n", (await writer.OkAsync("get", new { bucket, key = "MLmodel" })).Text("body"));
    }
}
