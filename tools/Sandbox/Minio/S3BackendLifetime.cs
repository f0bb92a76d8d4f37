namespace Mlops.Sandbox.Minio;

/// <summary>Starts s3rver and the notification targets before the s3 stand-in takes requests.</summary>
internal sealed class S3BackendLifetime(MinioStandIn standIn, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => standIn.StartBackendAsync(services, cancellationToken);

    // s3rver is stopped when the stand-in is disposed, after the listener has stopped taking requests.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
