using Minio.DataModel.Args;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// MinIO run as a Deployment without the AMQP settings: MinIO has no target <c>MLOPS</c>, so the subscription the product
/// sends is refused, although the stand-in on its own would have accepted it.
/// </summary>
public sealed class When_minio_runs_in_the_cluster_without_the_amqp_target(BrokerClusterSandbox sandbox) : IClassFixture<BrokerClusterSandbox>
{
    [Fact]
    public async Task Should_refuse_a_subscription_to_the_mlops_target_as_minio_does()
    {
        var bucket = $"refused-{Guid.NewGuid():N}"[..16];
        await sandbox.Fixture.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        await InClusterMinio.SubscribeAsync(sandbox.Fixture.Minio, bucket, InClusterMinio.Arn);

        await InClusterMinio.DeployAsync(sandbox, amqpUrl: null);
        using var minio = InClusterMinio.Client(sandbox.Fixture);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => InClusterMinio.SubscribeAsync(minio, bucket, InClusterMinio.Arn));

        Assert.Contains("A specified destination ARN does not exist or is not well-formed. Verify the destination ARN.", refused.Message, StringComparison.Ordinal);
    }
}
