using Minio.DataModel.Args;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// A PUT through the s3 stand-in replaces the object whole, as S3 and MinIO do: once it has answered, a GET reads all of
/// it, and while the key is written again (a client retrying a PUT after its timeout) every GET reads the old object or
/// the new one, never an empty or partial one. The model server's smoke check reads a model's input example this way.
/// </summary>
public sealed class ObjectOverwriteTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    [Fact]
    public async Task Should_read_the_whole_object_as_soon_as_its_put_has_answered()
    {
        using var minio = sandbox.MinioClient();
        var bucket = await BucketAsync(minio);

        for (var i = 0; i < 100; i++)
        {
            var body = Body((byte)('a' + i % 26), 64 * 1024 + i);
            await PutAsync(minio, bucket, $"example-{i}.json", body);

            Assert.Equal(body, await GetAsync(minio, bucket, $"example-{i}.json"));
        }
    }

    [Fact]
    public async Task Should_read_the_old_object_or_the_new_one_while_the_key_is_written_again()
    {
        using var minio = sandbox.MinioClient();
        var bucket = await BucketAsync(minio);
        // Two bodies of different lengths, so a mix of both or a cut-off one is told apart from either.
        var old = Body((byte)'o', 3 * 1024 * 1024);
        var replacement = Body((byte)'n', 2 * 1024 * 1024 + 17);
        await PutAsync(minio, bucket, "model/serving_input_example.json", old);
        using var done = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !done.IsCancellationRequested; i++)
                await PutAsync(minio, bucket, "model/serving_input_example.json", (i + w) % 2 == 0 ? replacement : old);
        })).ToList();
        try
        {
            for (var read = 0; read < 60; read++)
            {
                var got = await GetAsync(minio, bucket, "model/serving_input_example.json");
                Assert.True(got.AsSpan().SequenceEqual(old) || got.AsSpan().SequenceEqual(replacement),
                    $"read {read} answered {got.Length} bytes, neither the old object ({old.Length}) nor the new one ({replacement.Length})");
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(writers);
        }
    }

    private static byte[] Body(byte fill, int length)
    {
        var body = new byte[length];
        Array.Fill(body, fill);
        return body;
    }

    private static async Task<string> BucketAsync(global::Minio.IMinioClient minio)
    {
        var bucket = $"w-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        return bucket;
    }

    private static async Task PutAsync(global::Minio.IMinioClient minio, string bucket, string key, byte[] body)
    {
        using var stream = new MemoryStream(body);
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithStreamData(stream).WithObjectSize(body.Length));
    }

    private static async Task<byte[]> GetAsync(global::Minio.IMinioClient minio, string bucket, string key)
    {
        using var content = new MemoryStream();
        await minio.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(key).WithCallbackStream(s => s.CopyTo(content)));
        return content.ToArray();
    }
}
