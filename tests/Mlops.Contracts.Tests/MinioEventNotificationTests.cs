using System.Text;
using Mlops.Contracts.Minio;
using Mlops.Testing;

namespace Mlops.Contracts.Tests;

public sealed class MinioEventNotificationTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(TestEnvironment.FixturesDirectory, name));

    [Fact]
    public void Should_read_the_bucket_and_decoded_key_of_an_MLmodel_upload()
    {
        var notification = MinioEventNotification.Parse(Fixture("minio-mlmodel-put.json"));

        var created = Assert.Single(notification.Objects());
        Assert.Equal("s3:ObjectCreated:Put", created.EventName);
        Assert.Equal("mlflow", created.BucketName);
        Assert.Equal("3/6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f/artifacts/model/MLmodel", created.ObjectKey);
        Assert.Equal(612, created.Size);
        Assert.True(created.IsCreated);
        Assert.Equal(notification.Key, $"{created.BucketName}/{created.ObjectKey}");
    }

    [Fact]
    public void Should_read_a_multipart_artifact_with_its_part_count_etag()
    {
        var created = Assert.Single(MinioEventNotification.Parse(Fixture("minio-other-object.json")).Objects());
        Assert.Equal("3/6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f/artifacts/model/data/model.pth", created.ObjectKey);
        Assert.EndsWith("-34", created.ETag);
        Assert.Equal(553433881, created.Size);
    }

    [Theory]
    [InlineData("my+model%2FMLmodel", "my model/MLmodel")]
    [InlineData("my%20model%2Fv1%2FMLmodel", "my model/v1/MLmodel")]
    [InlineData("a%2Bb", "a+b")]
    [InlineData("plain/key", "plain/key")]
    [InlineData("caf%C3%A9", "café")]
    public void Should_decode_keys_as_MinIO_encodes_them(string encoded, string decoded)
    {
        Assert.Equal(decoded, MinioEventNotification.DecodeKey(encoded));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"b/k\",\"Records\":[]}")]
    [InlineData("{\"Key\":\"b/k\",\"Records\":[]}")]
    [InlineData("{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"b/k\",\"Records\":[{\"eventName\":\"x\"}]}")]
    public void Should_reject_a_body_that_is_not_a_MinIO_event_with_a_clear_error(string body)
    {
        var error = Assert.Throws<FormatException>(() => MinioEventNotification.Parse(Encoding.UTF8.GetBytes(body)));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Should_tell_removals_from_creations()
    {
        var removed = new MinioObjectEvent("s3:ObjectRemoved:Delete", "mlflow", "k", 0, null);
        Assert.True(removed.IsRemoved);
        Assert.False(removed.IsCreated);
    }
}
