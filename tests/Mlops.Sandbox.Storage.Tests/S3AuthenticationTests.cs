using System.Net;
using System.Security.Cryptography;
using System.Text;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>The s3 stand-in authenticates as MinIO does: real clients with the right keys work, wrong or missing signatures get MinIO's 403s.</summary>
public sealed class S3AuthenticationTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>, IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task Should_let_s3cmd_with_the_right_keys_put_list_and_get()
    {
        var bucket = await NewBucketAsync();
        await File.WriteAllTextAsync(_file, "weights v1\n");
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);
        var downloaded = _file + ".down";

        await s3cmd.RunAsync("put", _file, $"s3://{bucket}/model/data/model.pth");
        var listing = await s3cmd.RunAsync("ls", "--recursive", $"s3://{bucket}/");
        await s3cmd.RunAsync("get", "--force", $"s3://{bucket}/model/data/model.pth", downloaded);

        Assert.Contains($"s3://{bucket}/model/data/model.pth", listing, StringComparison.Ordinal);
        Assert.Equal("weights v1\n", await File.ReadAllTextAsync(downloaded));
        File.Delete(downloaded);
    }

    [Fact]
    public async Task Should_refuse_s3cmd_with_a_wrong_secret_with_signature_does_not_match()
    {
        var bucket = await NewBucketAsync();
        await File.WriteAllTextAsync(_file, "weights\n");
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, "not-the-secret");

        var (exitCode, output) = await s3cmd.TryAsync("put", _file, $"s3://{bucket}/model.pth");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("SignatureDoesNotMatch", output, StringComparison.Ordinal);
        Assert.False(await ExistsAsync(bucket, "model.pth"));
    }

    [Fact]
    public async Task Should_verify_s3cmd_signature_v2_as_minio_does()
    {
        var bucket = await NewBucketAsync();
        await File.WriteAllTextAsync(_file, "v2 weights\n");
        using var right = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey, signatureV2: true);
        using var wrong = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, "not-the-secret", signatureV2: true);

        await right.RunAsync("put", _file, $"s3://{bucket}/v2.txt");
        var (exitCode, output) = await wrong.TryAsync("put", _file, $"s3://{bucket}/v2-wrong.txt");

        Assert.True(await ExistsAsync(bucket, "v2.txt"));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("SignatureDoesNotMatch", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_let_botocore_with_the_right_keys_put_head_list_and_get()
    {
        var bucket = await NewBucketAsync();
        var boto = new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);

        var put = await boto.OkAsync("put", new { bucket, key = "3/run/artifacts/model/MLmodel", body = "artifact_path: model\n" });
        var head = await boto.OkAsync("head", new { bucket, key = "3/run/artifacts/model/MLmodel" });
        var listed = await boto.OkAsync("list", new { bucket, prefix = "3/run/" });
        var got = await boto.OkAsync("get", new { bucket, key = "3/run/artifacts/model/MLmodel" });

        var md5 = S3ETag.Of("artifact_path: model\n"u8);
        Assert.Equal((md5, md5), (put.Text("etag"), head.Text("etag")));
        Assert.Equal("3/run/artifacts/model/MLmodel", Assert.Single(listed.GetProperty("objects").EnumerateArray()).Text("key"));
        Assert.Equal("artifact_path: model\n", got.Text("body"));
    }

    [Fact]
    public async Task Should_refuse_botocore_with_a_wrong_secret_or_an_unknown_key()
    {
        var bucket = await NewBucketAsync();

        var wrongSecret = await new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, "not-the-secret").RunAsync("put", new { bucket, key = "a.txt", body = "x" });
        var unknownKey = await new Botocore(sandbox.S3Url, "nobody", "whatever-secret").RunAsync("put", new { bucket, key = "b.txt", body = "x" });

        Assert.Equal("SignatureDoesNotMatch", wrongSecret.Text("code"));
        Assert.Contains("An error occurred (SignatureDoesNotMatch) when calling the PutObject operation: The request signature we calculated does not match the signature you provided.",
            wrongSecret.Text("message"), StringComparison.Ordinal);
        Assert.Equal("InvalidAccessKeyId", unknownKey.Text("code"));
        Assert.False(await ExistsAsync(bucket, "a.txt"));
    }

    [Fact]
    public async Task Should_upload_botocore_parts_with_the_multipart_etag_in_head_and_listing()
    {
        var bucket = await NewBucketAsync();
        const int part = 5 * 1024 * 1024;
        var content = new byte[(2 * part) + 1024];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(_file, content);
        var boto = new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);

        await boto.OkAsync("upload_file", new { bucket, key = "weights/model.pth", path = _file, threshold = part, chunk = part });
        var head = await boto.OkAsync("head", new { bucket, key = "weights/model.pth" });
        var listed = Assert.Single((await boto.OkAsync("list", new { bucket, prefix = "weights/" })).GetProperty("objects").EnumerateArray());

        var expected = S3ETag.OfParts(content, part);
        Assert.EndsWith("-3\"", expected, StringComparison.Ordinal);
        Assert.Equal(expected, head.Text("etag"));
        Assert.Equal(expected, listed.Text("etag"));
        Assert.Equal(content.Length, head.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Should_serve_a_botocore_presigned_url_and_refuse_it_once_tampered()
    {
        var bucket = await NewBucketAsync();
        var boto = new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);
        await boto.OkAsync("put", new { bucket, key = "serving_input_example.json", body = "{\"inputs\": [[1]]}" });
        var url = (await boto.OkAsync("presign", new { bucket, key = "serving_input_example.json" })).Text("url");
        using var http = new HttpClient();

        using var ok = await http.GetAsync(new Uri(url));
        using var tampered = await http.GetAsync(new Uri(url.Replace("serving_input_example.json", "input_example.json", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("{\"inputs\": [[1]]}", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_an_unsigned_request_with_access_denied()
    {
        var bucket = await NewBucketAsync();
        await new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey).OkAsync("put", new { bucket, key = "MLmodel", body = "x" });
        using var http = new HttpClient();

        using var get = await http.GetAsync(new Uri(sandbox.S3Url, $"{bucket}/MLmodel"));
        using var put = await http.PutAsync(new Uri(sandbox.S3Url, $"{bucket}/anonymous.txt"), new StringContent("x"));
        using var health = await http.GetAsync(new Uri(sandbox.S3Url, "minio/health/live"));

        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        var body = await get.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code><Message>Access Denied.</Message>", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.False(await ExistsAsync(bucket, "anonymous.txt"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Should_let_awscli_with_the_right_keys_copy_and_refuse_a_wrong_secret()
    {
        var bucket = await NewBucketAsync();
        await File.WriteAllTextAsync(_file, "cli weights\n");

        var (copied, copyOutput) = await new AwsCli(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey).RunAsync("s3", "cp", _file, $"s3://{bucket}/cli/model.pth");
        var (listed, listing) = await new AwsCli(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey).RunAsync("s3", "ls", $"s3://{bucket}/cli/");
        var (refused, refusal) = await new AwsCli(sandbox.S3Url, StorageSandbox.AccessKey, "not-the-secret").RunAsync("s3", "cp", _file, $"s3://{bucket}/cli/wrong.pth");

        Assert.True(copied == 0, copyOutput);
        Assert.True(listed == 0, listing);
        Assert.Contains("model.pth", listing, StringComparison.Ordinal);
        Assert.NotEqual(0, refused);
        Assert.Contains("SignatureDoesNotMatch", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_accept_a_streaming_upload_whose_chunk_signatures_verify_and_refuse_a_tampered_chunk()
    {
        var bucket = await NewBucketAsync();
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("streamed weights ", 600)));
        using var http = new HttpClient();

        using var good = SignedRequests.Streaming(new Uri(sandbox.S3Url, $"{bucket}/streamed.bin"), StorageSandbox.AccessKey, StorageSandbox.SecretKey, data, 4096);
        using var accepted = await http.SendAsync(good);
        // A byte of the second chunk's data flipped: its signature no longer matches.
        using var bad = SignedRequests.Streaming(new Uri(sandbox.S3Url, $"{bucket}/tampered.bin"), StorageSandbox.AccessKey, StorageSandbox.SecretKey, data, 4096,
            body => { var copy = body.ToArray(); copy[Array.IndexOf(copy, (byte)'\n', 4200) + 10] ^= 1; return copy; });
        using var refused = await http.SendAsync(bad);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var minio = sandbox.MinioClient();
        using var stored = new MemoryStream();
        await minio.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject("streamed.bin").WithCallbackStream(s => s.CopyTo(stored)));
        Assert.Equal(data, stored.ToArray());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await ExistsAsync(bucket, "tampered.bin"));
    }

    [Fact]
    public async Task Should_refuse_a_body_that_does_not_match_its_signed_payload_hash()
    {
        var bucket = await NewBucketAsync();
        using var http = new HttpClient();
        using var request = SignedRequests.Signed(HttpMethod.Put, new Uri(sandbox.S3Url, $"{bucket}/swapped.txt"), StorageSandbox.AccessKey, StorageSandbox.SecretKey,
            "what was sent"u8.ToArray(), declaredHash: Convert.ToHexStringLower(SHA256.HashData("what was signed"u8)));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>XAmzContentSHA256Mismatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_the_minio_sdk_working_and_refuse_it_a_wrong_secret()
    {
        var bucket = await NewBucketAsync();
        using var wrong = new MinioClient().WithEndpoint(sandbox.S3Url.Host, sandbox.S3Url.Port).WithCredentials(StorageSandbox.AccessKey, "not-the-secret").WithRegion("us-east-1").Build();
        var bytes = "x"u8.ToArray();
        using var stream = new MemoryStream(bytes);

        // The SDK turns MinIO's 403 SignatureDoesNotMatch into this exception, carrying MinIO's message.
        var error = await Assert.ThrowsAsync<AuthorizationException>(() => wrong.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("x").WithStreamData(stream).WithObjectSize(bytes.Length)));

        Assert.Contains("The request signature we calculated does not match", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> NewBucketAsync()
    {
        using var minio = sandbox.MinioClient();
        var bucket = $"auth-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        return bucket;
    }

    private async Task<bool> ExistsAsync(string bucket, string key)
    {
        using var minio = sandbox.MinioClient();
        try
        {
            await minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject(key));
            return true;
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }

    public void Dispose() => File.Delete(_file);
}
