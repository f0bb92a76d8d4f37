using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;

namespace Mlops.ContainerTests;

/// <summary>
/// A real MinIO with the AMQP notification target the product expects (docs/provisioner.md): id <c>MLOPS</c>, exchange
/// <c>mlops-minio-events</c>, fanout, durable, delivery mode 2, a queue directory, publishing to <paramref name="brokerUrl"/>.
/// </summary>
public sealed class MinioServer : IAsyncDisposable
{
    public const string TargetId = "MLOPS";

    public const string TargetArn = "arn:minio:sqs::" + TargetId + ":amqp";

    public const string Exchange = "mlops-minio-events";

    public const string RootUser = "mlops-root";

    private const int ApiPort = 9000;

    private readonly IContainer _container;

    private MinioServer(IContainer container, string rootPassword)
    {
        _container = container;
        RootPassword = rootPassword;
    }

    public string RootPassword { get; }

    /// <summary>The S3 API from this machine.</summary>
    public Uri Endpoint => new($"http://{_container.Hostname}:{_container.GetMappedPublicPort(ApiPort)}");

    public static async Task<MinioServer> StartAsync(INetwork network, string brokerUrl)
    {
        var password = Guid.NewGuid().ToString("N");
        var container = new ContainerBuilder(ContainerImages.Minio)
            .WithNetwork(network)
            .WithCommand("server", "/data", "--address", $":{ApiPort}")
            .WithEnvironment("MINIO_ROOT_USER", RootUser)
            .WithEnvironment("MINIO_ROOT_PASSWORD", password)
            .WithEnvironment(Target("ENABLE"), "on")
            .WithEnvironment(Target("URL"), brokerUrl)
            .WithEnvironment(Target("EXCHANGE"), Exchange)
            .WithEnvironment(Target("EXCHANGE_TYPE"), "fanout")
            .WithEnvironment(Target("ROUTING_KEY"), "")
            .WithEnvironment(Target("DURABLE"), "on")
            .WithEnvironment(Target("DELIVERY_MODE"), "2")
            .WithEnvironment(Target("QUEUE_DIR"), "/data/.minio-events")
            .WithPortBinding(ApiPort, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/minio/health/ready").ForPort(ApiPort)))
            .Build();
        await container.StartAsync();
        return new MinioServer(container, password);
    }

    private static string Target(string setting) => $"MINIO_NOTIFY_AMQP_{setting}_{TargetId}";

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
