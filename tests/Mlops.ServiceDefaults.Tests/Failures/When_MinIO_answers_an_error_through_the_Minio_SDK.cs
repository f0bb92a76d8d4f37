using System.Text;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Mlops.Sandbox.Faults;
using Mlops.ServiceDefaults.Messaging;
using Mlops.Testing;

namespace Mlops.ServiceDefaults.Tests.Failures;

/// <summary>
/// The Minio SDK 7.0.0's real exceptions from the s3 stand-in. The SDK keeps no status on most of them, only S3's error
/// code (SlowDown for 429 and 503) or its own type (BucketNotFoundException, AuthorizationException, ConnectionException).
/// </summary>
public sealed class When_MinIO_answers_an_error_through_the_Minio_SDK(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Should_call_slow_down_transient(int status)
    {
        var bucket = await NewBucketAsync();
        sandbox.Faults.Set("s3", "object", new FaultRule { ErrorRate = 1, StatusCodes = [status] });
        try
        {
            var ex = await Assert.ThrowsAnyAsync<MinioException>(() => PutAsync(sandbox.Minio, bucket));
            var failure = TransientErrors.Classify(ex);
            Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
            Assert.StartsWith("HTTP 503 from MinIO (SlowDown)", failure.Reason, StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Faults.Clear("s3", "object");
        }
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Should_call_an_error_without_a_body_transient_though_the_SDK_loses_its_status(int status)
    {
        // A HEAD answer carries no body; the SDK then throws a NullReferenceException from its own error parsing.
        var bucket = await NewBucketAsync();
        sandbox.Faults.Set("s3", "object", new FaultRule { ErrorRate = 1, StatusCodes = [status] });
        try
        {
            var ex = await Assert.ThrowsAsync<NullReferenceException>(() => sandbox.Minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("model/MLmodel")));
            Assert.Equal(OutsideFailureKind.Transient, TransientErrors.Classify(ex).Kind);
            Assert.Equal(OutsideFailureKind.Permanent, TransientErrors.Classify(DefectOfOurs()).Kind);
        }
        finally
        {
            sandbox.Faults.Clear("s3", "object");
        }
    }

    [Fact]
    public async Task Should_call_a_missing_object_permanent_when_asked_with_a_HEAD()
    {
        var bucket = await NewBucketAsync();
        var ex = await Assert.ThrowsAsync<ObjectNotFoundException>(() => sandbox.Minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("model/MLmodel")));
        Assert.Equal(new OutsideFailure(OutsideFailureKind.Permanent, 404, "HTTP 404 from MinIO (NoSuchKey): the object does not exist"), TransientErrors.Classify(ex));
    }

    [Fact]
    public async Task Should_call_an_internal_error_transient()
    {
        var bucket = await NewBucketAsync();
        sandbox.Faults.Set("s3", "object", new FaultRule { ErrorRate = 1, StatusCodes = [500] });
        try
        {
            var ex = await Assert.ThrowsAnyAsync<MinioException>(() => PutAsync(sandbox.Minio, bucket));
            Assert.Equal(OutsideFailureKind.Transient, TransientErrors.Classify(ex).Kind);
            Assert.StartsWith("HTTP 500 from MinIO (InternalError)", TransientErrors.Classify(ex).Reason, StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Faults.Clear("s3", "object");
        }
    }

    [Fact]
    public async Task Should_call_a_missing_bucket_permanent()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => PutAsync(sandbox.Minio, "absent-" + Guid.NewGuid().ToString("N")[..8]));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Permanent, failure.Kind);
        Assert.Equal(404, failure.StatusCode);
        Assert.Contains("NoSuchBucket", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_call_an_unknown_access_key_permanent_without_naming_the_keys()
    {
        var bucket = await NewBucketAsync();
        using var stranger = sandbox.MinioWith("not-a-user", "not-a-secret-value");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => PutAsync(stranger, bucket));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Permanent, failure.Kind);
        Assert.Equal(403, failure.StatusCode);
        Assert.DoesNotContain("not-a-secret-value", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_call_a_refused_connection_transient()
    {
        var port = ClosedPort.Find();
        using var client = new MinioClient().WithEndpoint("127.0.0.1", port)
            .WithCredentials(SandboxFixture.RootUser, SandboxFixture.RootPassword).WithRegion("us-east-1").Build();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => PutAsync(client, "mlflow"));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
        Assert.Null(failure.StatusCode);
    }

    // A NullReferenceException thrown where the runtime throws one: in our own code, not the SDK's.
    private static NullReferenceException DefectOfOurs()
    {
        try
        {
            string? missing = Environment.GetEnvironmentVariable("MLOPS_TEST_" + Guid.NewGuid().ToString("N"));
            _ = missing!.Length;
            throw new InvalidOperationException("the variable exists");
        }
        catch (NullReferenceException ex)
        {
            return ex;
        }
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = "bucket-" + Guid.NewGuid().ToString("N")[..8];
        await sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        return bucket;
    }

    private static async Task PutAsync(IMinioClient client, string bucket)
    {
        var body = Encoding.UTF8.GetBytes("artifact");
        using var stream = new MemoryStream(body);
        await client.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("model/MLmodel")
            .WithStreamData(stream).WithObjectSize(body.Length).WithContentType("text/plain"));
    }
}
