using DotNet.Testcontainers.Networks;
using RabbitMQ.Client;
using Testcontainers.RabbitMq;

namespace Mlops.ContainerTests;

/// <summary>A real RabbitMQ in a container, optionally on a network where other containers reach it as <c>rabbitmq</c>.</summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    public const string NetworkAlias = "rabbitmq";

    public const string Username = "mlops";

    private readonly RabbitMqContainer _container;

    private RabbitMqBroker(RabbitMqContainer container, string password)
    {
        _container = container;
        Password = password;
    }

    /// <summary>Made per run: nothing about this broker is a secret worth keeping, but nothing is a fixed literal either.</summary>
    public string Password { get; }

    /// <summary>The broker from this machine: <c>amqp://mlops:…@127.0.0.1:&lt;mapped port&gt;/</c>.</summary>
    public Uri AmqpUrl => new(_container.GetConnectionString());

    /// <summary>The broker as containers on the network reach it.</summary>
    public string NetworkUrl => $"amqp://{Username}:{Password}@{NetworkAlias}:5672/";

    public static async Task<RabbitMqBroker> StartAsync(INetwork? network = null)
    {
        var password = Guid.NewGuid().ToString("N");
        var builder = new RabbitMqBuilder(ContainerImages.RabbitMq).WithUsername(Username).WithPassword(password);
        if (network is not null)
            builder = builder.WithNetwork(network).WithNetworkAliases(NetworkAlias);
        var container = builder.Build();
        await container.StartAsync();
        return new RabbitMqBroker(container, password);
    }

    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = AmqpUrl }.CreateConnectionAsync();

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
