extern alias modelpromoter;
extern alias provisioner;
extern alias trainingcoordinator;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;
using Mlops.ServiceDefaults.Messaging;
using Mlops.Testing;

namespace Mlops.ServiceDefaults.Tests;

/// <summary>The three service hosts on a real RabbitMQ, each in a throwaway vhost.</summary>
public sealed class ServiceHostTests : IAsyncLifetime
{
    private RabbitMqVirtualHost _vhost = null!;

    public async Task InitializeAsync() => _vhost = await RabbitMqVirtualHost.CreateAsync("service-hosts");

    public async Task DisposeAsync() => await _vhost.DisposeAsync();

    public static TheoryData<string> Services => ["provisioner", "training-coordinator", "model-promoter"];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Should_start_connected_under_its_name_with_every_endpoint_prefixed_and_ready(string service)
    {
        await using var host = Start(service, _vhost.AmqpUrl);
        await Eventually.HoldsAsync(async () => await host.StatusOfAsync("/health/ready") == 200, $"{service} ready");
        Assert.Equal(200, await host.StatusOfAsync("/health/live"));
        var readiness = await host.GetStringAsync("/health/ready");
        Assert.Contains("\"masstransit-bus\"", readiness);
        Assert.Contains("\"saga-store\"", readiness);

        // An endpoint connected through the host's own name formatter, as a consumer of the service would be.
        var formatter = host.EndpointNames;
        var probeQueue = formatter.Consumer<FlowProbeConsumer>();
        Assert.Equal($"{service}-flow-probe", probeQueue);
        var handle = host.Bus.ConnectReceiveEndpoint(probeQueue, e => e.Handler<MinioBucketReady>(_ => Task.CompletedTask));
        await handle.Ready;

        await Eventually.HoldsAsync(async () =>
        {
            var connections = await _vhost.ListAsync("connections");
            return connections.Any(c => c.GetProperty("client_properties").TryGetProperty("connection_name", out var name)
                && name.GetString() == service);
        }, $"a broker connection named {service} in the management API");

        var queues = (await _vhost.ListAsync("queues")).Select(q => q.GetProperty("name").GetString()!).ToList();
        Assert.Contains(probeQueue, queues);
        Assert.All(queues, q => Assert.Matches(KebabWithPrefix(service), q));
        Assert.Equal(200, await host.StatusOfAsync("/health/ready"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Should_declare_its_queues_as_quorum_queues_when_the_broker_runs_as_a_cluster(string service)
    {
        await using var host = Start(service, _vhost.AmqpUrl, new Dictionary<string, string?> { ["RabbitMq:QuorumQueues"] = "true" });
        await Eventually.HoldsAsync(async () => await host.StatusOfAsync("/health/ready") == 200, $"{service} ready");

        // The bus's own reply queue is exclusive to the connection and stays classic; every endpoint's queue is quorum.
        var queues = (await _vhost.ListAsync("queues"))
            .Where(q => !q.GetProperty("name").GetString()!.StartsWith($"{service}-bus-", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(queues);
        Assert.All(queues, q => Assert.Equal("quorum", q.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Should_deliver_a_message_from_one_service_to_another_with_the_FlowId_in_scope_and_trace()
    {
        var tagged = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem(FlowScopeFilter<object>.TagName) is not null)
                    tagged.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var publisher = Start("provisioner", _vhost.AmqpUrl);
        await using var consumer = Start("training-coordinator", _vhost.AmqpUrl);
        var observations = new FlowProbeConsumer.Observations();
        var handle = consumer.Bus.ConnectReceiveEndpoint(consumer.EndpointNames.Consumer<FlowProbeConsumer>(), e =>
            e.Consumer(() => new FlowProbeConsumer(
                consumer.Services.GetRequiredService<ILogger<FlowProbeConsumer>>(), observations)));
        await handle.Ready;
        await Eventually.HoldsAsync(async () => await publisher.StatusOfAsync("/health/ready") == 200, "publisher ready");

        var flowId = Guid.NewGuid();
        await publisher.Bus.Publish(new MinioBucketReady { FlowId = flowId, OccurredAt = DateTimeOffset.UtcNow, StackName = "homelab", BucketName = "mlflow" });

        await Eventually.HoldsAsync(() => observations.Seen.Any(o => o.Message.FlowId == flowId), "the consumer in the other host got the message");
        var seen = observations.Seen.Single(o => o.Message.FlowId == flowId);
        Assert.Equal("mlflow", seen.Message.BucketName);

        var logged = consumer.Logs.Entries.Single(e => e.Category == typeof(FlowProbeConsumer).FullName);
        Assert.Equal(flowId.ToString(), logged.Scope[FlowScopeFilter<object>.ScopeKey]);
        Assert.DoesNotContain(publisher.Logs.Entries, e => e.Category == typeof(FlowProbeConsumer).FullName);

        Assert.Equal(flowId.ToString(), seen.FlowBaggage);
        await Eventually.HoldsAsync(() => tagged.Any(a => a.TraceId.ToString() == seen.TraceId), "a consume-side span tagged with the FlowId");
        Assert.Equal(flowId.ToString(), tagged.First(a => a.TraceId.ToString() == seen.TraceId).GetTagItem(FlowScopeFilter<object>.TagName));

        // MassTransit's own meter reaches the Prometheus endpoint.
        await Eventually.HoldsAsync(async () => (await consumer.GetStringAsync("/metrics")).Contains("messaging_masstransit_consume", StringComparison.Ordinal),
            "MassTransit consume metrics on /metrics");
    }

    [Fact]
    public async Task Should_turn_ready_false_when_the_broker_connection_is_cut_and_true_again_when_restored()
    {
        var broker = TestEnvironment.RabbitMqUrl;
        await using var relay = new TcpRelay(broker.Host, broker.Port);
        await using var host = Start("model-promoter", ThroughRelay(relay));
        var handle = host.Bus.ConnectReceiveEndpoint(host.EndpointNames.Consumer<FlowProbeConsumer>(), e => e.Handler<MinioBucketReady>(_ => Task.CompletedTask));
        await handle.Ready;
        await Eventually.HoldsAsync(async () => await host.StatusOfAsync("/health/ready") == 200, "ready through the relay");

        relay.Cut();
        await Eventually.HoldsAsync(async () => await host.StatusOfAsync("/health/ready") == 503, "not ready once the connection is cut");
        Assert.Equal(200, await host.StatusOfAsync("/health/live"));

        relay.Restore();
        await Eventually.HoldsAsync(async () => await host.StatusOfAsync("/health/ready") == 200, "ready again without a restart", TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Should_keep_running_and_say_once_what_was_tried_when_the_broker_is_unreachable_at_start()
    {
        var broker = TestEnvironment.RabbitMqUrl;
        await using var relay = new TcpRelay(broker.Host, broker.Port, startCut: true);
        await using var host = Start("provisioner", ThroughRelay(relay));

        await Eventually.HoldsAsync(() => host.Logs.Entries.Any(e => e.Category == typeof(BrokerConnectionReporter).FullName), "the unreachable-broker line");
        var line = host.Logs.Entries.First(e => e.Category == typeof(BrokerConnectionReporter).FullName);
        Assert.Contains("unreachable", line.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"127.0.0.1:{relay.Port}", line.Message);
        Assert.Equal(200, await host.StatusOfAsync("/health/live"));
        Assert.Equal(503, await host.StatusOfAsync("/health/ready"));

        relay.Restore();
        await Eventually.HoldsAsync(async () => await host.StatusOfAsync("/health/ready") == 200, "ready once the broker is back", TimeSpan.FromSeconds(90));
        await Eventually.HoldsAsync(() => host.Logs.Entries.Any(e => e.Message.StartsWith("Connected to RabbitMQ", StringComparison.Ordinal)), "the connected line");
        Assert.Single(host.Logs.Entries, e => e.Category == typeof(BrokerConnectionReporter).FullName && e.Message.Contains("unreachable", StringComparison.OrdinalIgnoreCase));
    }

    // The promoter checks its Kubernetes, MLflow and MinIO settings at start; these hosts never call them.
    private static readonly Dictionary<string, string?> ModelPromoterClients = new()
    {
        ["Kubernetes:Server"] = "http://127.0.0.1:9",
        ["Minio:AccessKey"] = "promoter-reader",
        ["Minio:SecretKey"] = "unused-secret",
    };

    private Uri ThroughRelay(TcpRelay relay) => new UriBuilder(_vhost.AmqpUrl) { Host = "127.0.0.1", Port = relay.Port }.Uri;

    /// <summary>Starts the named service's real Program against <paramref name="url"/>.</summary>
    private static IServiceHost Start(string service, Uri url, IReadOnlyDictionary<string, string?>? extra = null)
    {
        Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> clients) =>
            new(clients.Concat(extra ?? new Dictionary<string, string?>()));
        IServiceHost host = service switch
        {
            "provisioner" => new ServiceHost<provisioner::Program>(url, With(ProvisionerClients)),
            // It needs its outside systems named to start; nothing here makes it call them.
            "training-coordinator" => new ServiceHost<trainingcoordinator::Program>(url, With(new Dictionary<string, string?>
            {
                ["Kubernetes:Server"] = "http://127.0.0.1:1",
                ["Mlflow:Url"] = "http://127.0.0.1:1",
            })),
            "model-promoter" => new ServiceHost<modelpromoter::Program>(url, With(ModelPromoterClients)),
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
        };
        _ = host.Services; // builds and starts the host
        return host;
    }

    // The Provisioner's clients must be configured to start; these tests make it call none of them (port 9 answers nothing).
    private static readonly Dictionary<string, string?> ProvisionerClients = new()
    {
        ["Kubernetes:Server"] = "http://127.0.0.1:9",
        ["Minio:Endpoint"] = "http://127.0.0.1:9",
        ["Minio:AccessKey"] = "unused",
        ["Minio:SecretKey"] = "unused-secret",
        ["Mlflow:Url"] = "http://127.0.0.1:9",
    };

    private static Regex KebabWithPrefix(string service) => new($"^{Regex.Escape(service)}-[a-z0-9]+(-[a-z0-9]+)*$");
}
