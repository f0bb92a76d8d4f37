extern alias modelpromoter;
extern alias provisioner;
extern alias trainingcoordinator;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Testing;

namespace Mlops.Ops.Tests;

/// <summary>
/// docs/topology.md against the live broker: the real services, started in an empty vhost, create exactly the exchanges,
/// queues and bindings its tables list as declared at start, and nothing the tables do not list.
/// </summary>
public sealed class When_the_services_declare_their_topology : IAsyncLifetime
{
    /// <summary>The services the test starts: every row a service declares at start must be on the broker.</summary>
    private static readonly string[] Services = ["provisioner", "training-coordinator", "model-promoter"];

    private RabbitMqVirtualHost _vhost = null!;
    private readonly List<IAsyncDisposable> _hosts = [];

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("ops-topology");
        var settings = new Dictionary<string, string?>
        {
            ["Ops:Tokens:ops-team"] = "ops-team-token-00000001",
            // Each needs its outside systems named to start; nothing here makes it call them (port 9 answers nothing).
            ["Kubernetes:Server"] = "http://127.0.0.1:9",
            ["Minio:Endpoint"] = "http://127.0.0.1:9",
            ["Minio:AccessKey"] = "unused",
            ["Minio:SecretKey"] = "unused-secret",
            ["Mlflow:Url"] = "http://127.0.0.1:9",
        };
        Action<IServiceCollection> started = s => s.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        foreach (var service in Services)
        {
            _hosts.Add(service switch
            {
                "provisioner" => new ServiceHost<provisioner::Program>(_vhost.AmqpUrl, settings, started).Start(),
                "training-coordinator" => new ServiceHost<trainingcoordinator::Program>(_vhost.AmqpUrl, settings, started).Start(),
                "model-promoter" => new ServiceHost<modelpromoter::Program>(_vhost.AmqpUrl, settings, started).Start(),
                _ => throw new ArgumentOutOfRangeException(nameof(service), service, "No Program for this service."),
            });
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    private static TopologyDoc Doc => TopologyDoc.Read(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "topology.md"));

    [Fact]
    public async Task Should_have_every_exchange_of_the_doc_declared_at_start_and_none_it_does_not_list()
    {
        var doc = Doc;
        var live = (await _vhost.ListAsync("exchanges"))
            .Select(e => (Name: e.GetProperty("name").GetString()!, Type: e.GetProperty("type").GetString()!,
                Durable: e.GetProperty("durable").GetBoolean(), AutoDelete: e.GetProperty("auto_delete").GetBoolean()))
            .Where(e => e.Name.Length > 0 && !e.Name.StartsWith("amq.", StringComparison.Ordinal))
            .ToList();

        var undocumented = live.Where(e => !doc.Exchanges.Any(row => row.Matches(e.Name) && row["type"] == e.Type)).Select(e => $"{e.Name} ({e.Type})");
        Assert.True(!undocumented.Any(), "On the broker, not in docs/topology.md's Exchanges: " + string.Join(", ", undocumented));
        var missing = doc.Exchanges.Where(row => row.DeclaredAtStartBy(Services) && !live.Any(e => row.Matches(e.Name))).Select(row => row.Name);
        Assert.True(!missing.Any(), "In docs/topology.md's Exchanges as declared at start, not on the broker: " + string.Join(", ", missing));
        Assert.All(live, e => Assert.True(e.Durable && !e.AutoDelete, $"{e.Name} is durable and not auto-deleted, as the doc says"));
    }

    [Fact]
    public async Task Should_have_every_queue_of_the_doc_declared_at_start_and_none_it_does_not_list()
    {
        var doc = Doc;
        var live = (await _vhost.ListAsync("queues"))
            .Select(q => (Name: q.GetProperty("name").GetString()!, Durable: q.GetProperty("durable").GetBoolean(), AutoDelete: q.GetProperty("auto_delete").GetBoolean()))
            .ToList();

        var undocumented = live.Where(q => !doc.Queues.Any(row => row.Matches(q.Name))).Select(q => q.Name);
        Assert.True(!undocumented.Any(), "On the broker, not in docs/topology.md's Queues: " + string.Join(", ", undocumented));
        var missing = doc.Queues.Where(row => row.DeclaredAtStartBy(Services) && !live.Any(q => row.Matches(q.Name))).Select(row => row.Name);
        Assert.True(!missing.Any(), "In docs/topology.md's Queues as declared at start, not on the broker: " + string.Join(", ", missing));
        Assert.All(live, q => Assert.True(q.Durable && !q.AutoDelete, $"{q.Name} is durable and not auto-deleted, as the doc says"));
    }

    [Fact]
    public async Task Should_have_every_binding_of_the_doc_declared_at_start_and_none_it_does_not_list()
    {
        var doc = Doc;
        var live = (await _vhost.ListAsync("bindings"))
            .Select(b => new TopologyBinding(b.GetProperty("source").GetString()!, b.GetProperty("destination").GetString()!,
                b.GetProperty("destination_type").GetString()!, b.GetProperty("routing_key").GetString()!))
            // RabbitMQ binds every queue to the default exchange by its name.
            .Where(b => b.Source.Length > 0)
            .ToList();

        var undocumented = live.Where(b => !doc.Bindings.Any(row => row.Describes(b))).Select(b => b.ToString());
        Assert.True(!undocumented.Any(), "On the broker, not in docs/topology.md's Bindings: " + string.Join(", ", undocumented));
        var missing = doc.Bindings.Where(row => row.DeclaredAtStartBy(Services) && !live.Any(row.Describes)).Select(row => $"{row["source"]} → {row["destination"]}");
        Assert.True(!missing.Any(), "In docs/topology.md's Bindings as declared at start, not on the broker: " + string.Join(", ", missing));
    }

    [Fact]
    public void Should_list_only_services_that_exist_and_times_it_knows()
    {
        var known = new[] { "provisioner", "training-coordinator", "model-promoter" };
        var whens = new[] { "start", "first publish", "first fault", "first skip" };
        foreach (var row in Doc.Exchanges.Concat(Doc.Queues).Concat(Doc.Bindings))
        {
            Assert.Contains(row["declared"], whens);
            Assert.All(row.DeclaredBy, s => Assert.Contains(s, known));
        }
    }
}
