using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.Clients.Minio;

namespace Mlops.ContainerTests;

/// <summary>
/// RabbitMQ and MinIO on one network of their own, MinIO publishing to the broker, and the product's MinIO client
/// (<c>AddMinioClient</c>, the <c>Minio</c> section) signing with MinIO's root keys. Nothing starts without a Docker engine.
/// </summary>
public sealed class MinioWithBroker : IAsyncLifetime
{
    private INetwork? _network;
    private IHost? _host;

    public RabbitMqBroker Broker { get; private set; } = null!;

    public MinioServer Minio { get; private set; } = null!;

    public IMinioStorage Storage => _host!.Services.GetRequiredService<IMinioStorage>();

    public async Task InitializeAsync()
    {
        if (!DockerEngine.IsReachable)
            return;
        _network = new NetworkBuilder().Build();
        await _network.CreateAsync();
        // The broker first: MinIO connects to its AMQP target as it starts.
        Broker = await RabbitMqBroker.StartAsync(_network);
        Minio = await MinioServer.StartAsync(_network, Broker.NetworkUrl);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Minio:Endpoint"] = Minio.Endpoint.ToString();
        builder.Configuration["Minio:AccessKey"] = MinioServer.RootUser;
        builder.Configuration["Minio:SecretKey"] = Minio.RootPassword;
        builder.AddMinioClient();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (Minio is not null)
            await Minio.DisposeAsync();
        if (Broker is not null)
            await Broker.DisposeAsync();
        if (_network is not null)
            await _network.DisposeAsync();
    }
}
