using System.Net;
using System.Text;
using Minio.DataModel.Args;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// Listing a prefix through the s3 stand-in finds exactly the objects under it, as the product lists a run's artifacts to
/// find <c>MLmodel</c>: with the Minio SDK (ListObjectsV2 and V1, both asking for <c>encoding-type=url</c>) and s3cmd,
/// also while other clients write and remove objects in the same folders (MinIO lists what exists, never a 500).
/// </summary>
public sealed class ObjectListingTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    // In S3's order (UTF-8 bytes): ' ' < '-' < '/', and 'M' < 'd'.
    private static readonly string[] UnderPrefix = ["model a+b/MLmodel", "model-2/MLmodel", "model/MLmodel", "model/data/model.pth"];

    [Fact]
    public async Task Should_list_exactly_the_objects_under_a_prefix_in_key_order_with_the_sdk_v2_listing()
    {
        var (bucket, prefix) = await ArtifactsAsync();
        using var minio = sandbox.MinioClient();

        var keys = await KeysAsync(minio, new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true));

        Assert.Equal(UnderPrefix.Select(k => prefix + k), keys);
    }

    [Fact]
    public async Task Should_list_exactly_the_objects_under_a_prefix_in_key_order_with_the_sdk_v1_listing()
    {
        var (bucket, prefix) = await ArtifactsAsync();
        using var minio = sandbox.MinioClient();

        var keys = await KeysAsync(minio, new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true).WithListObjectsV1(true));

        Assert.Equal(UnderPrefix.Select(k => prefix + k), keys);
    }

    [Fact]
    public async Task Should_list_a_prefix_holding_a_space_and_a_plus_sign_with_the_sdk()
    {
        var (bucket, prefix) = await ArtifactsAsync();
        using var minio = sandbox.MinioClient();

        var keys = await KeysAsync(minio, new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix + "model a+b/").WithRecursive(true));

        Assert.Equal([prefix + "model a+b/MLmodel"], keys);
    }

    [Fact]
    public async Task Should_list_exactly_the_objects_under_a_prefix_with_s3cmd()
    {
        var (bucket, prefix) = await ArtifactsAsync();
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);

        var output = await s3cmd.RunAsync("ls", "--recursive", $"s3://{bucket}/{prefix}");

        // Lines are "DATE TIME SIZE  s3://bucket/key"; the key may hold spaces.
        var listed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line[(line.IndexOf($"s3://{bucket}/", StringComparison.Ordinal) + $"s3://{bucket}/".Length)..])
            .ToList();
        Assert.Equal(UnderPrefix.Select(k => prefix + k), listed);
    }

    [Fact]
    public async Task Should_list_buckets_with_the_sdk()
    {
        var (bucket, _) = await ArtifactsAsync();
        using var minio = sandbox.MinioClient();

        var buckets = await minio.ListBucketsAsync();

        Assert.Contains(buckets.Buckets, b => b.Name == bucket);
    }

    [Fact]
    public async Task Should_reject_an_unknown_encoding_type_as_minio_does()
    {
        var (bucket, _) = await ArtifactsAsync();
        using var http = new HttpClient();
        using var request = SignedRequests.Signed(HttpMethod.Get, new Uri(sandbox.S3Url, $"{bucket}?list-type=2&encoding-type=base64"), StorageSandbox.AccessKey, StorageSandbox.SecretKey);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidArgument</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_what_exists_while_other_clients_write_and_remove_objects_beside_it()
    {
        var (bucket, prefix) = await ArtifactsAsync();
        using var minio = sandbox.MinioClient();
        using var done = new CancellationTokenSource();

        // Writers put and remove objects next to the listed ones, as a crowd of training pods and their cleanups do.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !done.IsCancellationRequested; i++)
            {
                var key = $"{prefix}churn-{w}/{i}";
                var bytes = Encoding.UTF8.GetBytes(key);
                using var stream = new MemoryStream(bytes);
                await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithStreamData(stream).WithObjectSize(bytes.Length));
                await minio.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject(key));
            }
        })).ToList();
        try
        {
            for (var listing = 0; listing < 300; listing++)
            {
                var keys = await KeysAsync(minio, new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true));
                Assert.Equal(UnderPrefix.Select(k => prefix + k), keys.Where(k => !k.Contains("/churn-", StringComparison.Ordinal)));
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(writers);
        }
    }

    [Fact]
    public async Task Should_list_every_object_of_a_bucket_holding_more_than_one_page_of_keys()
    {
        // S3 answers at most 1000 keys a page and hands out a continuation token for the next one; a scan of a busy
        // artifact bucket (the secret scan, a cleanup) always meets that.
        using var minio = sandbox.MinioClient();
        var bucket = $"p-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        var written = Enumerable.Range(0, 1234).Select(i => $"runs/{i:D5}/MLmodel").ToList();
        await Parallel.ForEachAsync(written, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, cancellationToken) =>
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(key));
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithStreamData(stream).WithObjectSize(stream.Length), cancellationToken);
        });

        var listed = await KeysAsync(minio, new ListObjectsArgs().WithBucket(bucket).WithRecursive(true));

        Assert.Equal(written, listed);
    }

    // A bucket holding a run's artifacts, plus neighbours that share the start of the prefix but are not under it.
    private async Task<(string Bucket, string Prefix)> ArtifactsAsync()
    {
        using var minio = sandbox.MinioClient();
        var bucket = $"l-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        var run = Guid.NewGuid().ToString("N");
        var prefix = $"3/{run}/artifacts/";
        var neighbours = new[] { $"3/{run}x/artifacts/model/MLmodel", $"3/{run}/artifactsx/MLmodel", "4/other/artifacts/model/MLmodel" };
        foreach (var key in UnderPrefix.Select(k => prefix + k).Concat(neighbours))
        {
            var bytes = Encoding.UTF8.GetBytes($"artifact {key}\n");
            using var stream = new MemoryStream(bytes);
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithStreamData(stream).WithObjectSize(bytes.Length));
        }
        return (bucket, prefix);
    }

    private static async Task<List<string>> KeysAsync(global::Minio.IMinioClient minio, ListObjectsArgs args)
    {
        var keys = new List<string>();
        await foreach (var item in minio.ListObjectsEnumAsync(args))
            keys.Add(item.Key);
        return keys;
    }
}
