extern alias provisioner;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Ctl;
using Mlops.SagaStore;
using Mlops.Testing;
using Npgsql;
using provisioner::Mlops.Provisioner.Sagas;
using provisioner::Mlops.Provisioner.Stacks;

namespace Mlops.Ops.Tests;

/// <summary>
/// The real Provisioner whose saga store is cut off: a <c>ProvisionStack</c> faults into its <c>_error</c> queue, and
/// <c>mlopsctl errors list</c> shows it (peeked, still there); once the store is back, <c>mlopsctl errors move</c> puts it
/// back on its queue, where it is processed once: the stack's saga takes it, and a copy moved after it changes nothing.
/// </summary>
public sealed class When_a_faulted_message_is_moved_back : IAsyncLifetime
{
    private RabbitMqVirtualHost _vhost = null!;
    private PostgresSchema _schema = null!;
    private ServiceHost<provisioner::Program>? _provisioner;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("ops-errors");
        _schema = await PostgresSchema.CreateAsync("ops_errors");
    }

    public async Task DisposeAsync()
    {
        if (_provisioner is not null)
            await _provisioner.DisposeAsync();
        await _schema.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    /// <summary>The real Provisioner, its saga store (PostgreSQL) reached through <paramref name="relay"/>.</summary>
    private ServiceHost<provisioner::Program> StartProvisioner(TcpRelay relay)
    {
        // Without a pool: every attempt of the message opens a connection, which the cut refuses.
        var relayed = new NpgsqlConnectionStringBuilder(_schema.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Pooling = false, Timeout = 3 };
        var settings = new Dictionary<string, string?>(_schema.Settings())
        {
            ["SagaStore:ConnectionString"] = relayed.ConnectionString,
            ["Ops:Tokens:ops-team"] = "ops-team-token-00000001",
            // Its outside systems are named so it starts; port 9 answers nothing, so the saga waits at its first step.
            ["Kubernetes:Server"] = "http://127.0.0.1:9",
            ["Minio:Endpoint"] = "http://127.0.0.1:9",
            ["Minio:AccessKey"] = "unused",
            ["Minio:SecretKey"] = "unused-secret",
            ["Mlflow:Url"] = "http://127.0.0.1:9",
        };
        return _provisioner = new ServiceHost<provisioner::Program>(_vhost.AmqpUrl, settings,
            services => services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true)).Start();
    }

    private Task<Mlopsctl.Result> RunAsync(params string[] args) => Mlopsctl.RunAsync(new Dictionary<string, string>
    {
        ["MLOPS_RABBITMQ_MANAGEMENT_URL"] = TestEnvironment.RabbitMqManagementUrl.ToString(),
    }, null, [.. args, "--vhost", _vhost.Name]);

    private ISagaCatalog Catalog => _provisioner!.Services.GetRequiredService<ISagaCatalog>();

    [Fact]
    public async Task Should_list_it_with_its_fault_then_move_it_back_to_be_processed_once()
    {
        var homelab = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", "homelab.yaml"));
        var stack = StackFile.Parse(homelab) with { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow };
        var sagaId = Mlops.Contracts.SagaIds.ForStack(stack.StackName);
        var direct = new NpgsqlConnectionStringBuilder(_schema.ConnectionString);
        await using var relay = new TcpRelay(direct.Host!, direct.Port);
        var provisioner = StartProvisioner(relay);

        relay.Cut();
        var messageId = NewId.NextGuid();
        await provisioner.Bus.Publish(stack, context => context.MessageId = messageId);

        JsonElement row = default;
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await RunAsync("errors", "list", "--json");
            Assert.Equal(CtlExit.Done, listed.ExitCode);
            row = listed.Json.EnumerateArray().SingleOrDefault(r => r.GetProperty("messages").GetInt64() == 1);
            return row.ValueKind == JsonValueKind.Object;
        }, "the ProvisionStack in an _error queue", TimeSpan.FromSeconds(90));
        var queue = row.GetProperty("queue").GetString()!;
        var oldest = row.GetProperty("oldest");
        Assert.Equal(queue[..^"_error".Length], row.GetProperty("sourceQueue").GetString());
        Assert.Equal("Mlops.Contracts:ProvisionStack", oldest.GetProperty("messageType").GetString());
        Assert.Equal(messageId.ToString(), oldest.GetProperty("messageId").GetString());
        Assert.False(string.IsNullOrEmpty(oldest.GetProperty("exceptionType").GetString()));
        Assert.False(string.IsNullOrEmpty(oldest.GetProperty("faultMessage").GetString()));
        var table = await RunAsync("errors", "list");
        Assert.Contains(queue, table.Output, StringComparison.Ordinal);
        Assert.Contains("1 message(s)", table.Output, StringComparison.Ordinal);

        // A second copy of the same message (same MessageId), as a redelivery would leave it.
        await CopyHeadAsync(queue);

        relay.Restore();
        var moved = await RunAsync("errors", "move", queue, "--json");

        Assert.True(moved.ExitCode == CtlExit.Done, moved.Output + moved.Error);
        Assert.Equal(2, moved.Json.GetProperty("moved").GetInt64());
        await Eventually.HoldsAsync(async () => await Catalog.FindAsync(sagaId, nameof(StackState)) is not null, "the stack's saga stored");
        await Eventually.HoldsAsync(async () => (await _vhost.ListAsync("queues")).Single(q => q.GetProperty("name").GetString() == queue[..^"_error".Length])
            .GetProperty("messages").GetInt64() == 0, "the source queue drained");
        var history = await Catalog.HistoryAsync(sagaId, nameof(StackState));
        var taken = Assert.Single(history, h => h.EventName == "ProvisionStack");
        Assert.Equal(messageId, taken.MessageId);
        await Eventually.HoldsAsync(async () => await CountAsync(queue) == 0, "the error queue empty");

        var again = await RunAsync("errors", "move", queue);
        Assert.Equal(CtlExit.Done, again.ExitCode);
        Assert.Contains("0 message(s) (nothing to move)", again.Output, StringComparison.Ordinal);
        Assert.Single(await Catalog.HistoryAsync(sagaId, nameof(StackState)), h => h.EventName == "ProvisionStack");
    }

    [Fact]
    public async Task Should_refuse_a_queue_that_is_not_an_error_queue_or_does_not_exist()
    {
        var notError = await RunAsync("errors", "move", "stack-state");
        var missing = await RunAsync("errors", "move", "nothing-here_error");
        var noUrl = await Mlopsctl.RunAsync(new Dictionary<string, string>(), null, "errors", "list");
        var wrongUser = await Mlopsctl.RunAsync(new Dictionary<string, string>
        {
            ["MLOPS_RABBITMQ_MANAGEMENT_URL"] = new UriBuilder(TestEnvironment.RabbitMqManagementUrl) { UserName = "", Password = "" }.Uri.ToString(),
            ["MLOPS_RABBITMQ_USER"] = "nobody",
            ["MLOPS_RABBITMQ_PASSWORD"] = "not-the-password",
        }, null, "errors", "list");

        Assert.Equal(CtlExit.BadUsage, notError.ExitCode);
        Assert.Equal(CtlExit.Failed, missing.ExitCode);
        Assert.Contains("No queue 'nothing-here_error'", missing.Error, StringComparison.Ordinal);
        Assert.Equal(CtlExit.BadUsage, noUrl.ExitCode);
        Assert.Equal(CtlExit.BadUsage, wrongUser.ExitCode);
        Assert.DoesNotContain("not-the-password", wrongUser.Error, StringComparison.Ordinal);
        var help = await RunAsync("errors", "move", "--help");
        Assert.Contains("Example: mlopsctl errors move", help.Output, StringComparison.Ordinal);
    }

    private static HttpClient Management()
    {
        var url = TestEnvironment.RabbitMqManagementUrl;
        var client = new HttpClient { BaseAddress = new UriBuilder(url) { UserName = "", Password = "", Path = "/" }.Uri };
        var userInfo = string.IsNullOrEmpty(url.UserInfo) ? "guest:guest" : Uri.UnescapeDataString(url.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return client;
    }

    private async Task<long> CountAsync(string queue)
    {
        using var client = Management();
        // The management API's counts lag the queue by its statistics interval: callers wait for the figure they expect.
        var queueInfo = await client.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(_vhost.Name)}/{Uri.EscapeDataString(queue)}");
        return queueInfo.GetProperty("messages").GetInt64();
    }

    private async Task CopyHeadAsync(string queue)
    {
        using var client = Management();
        var vhost = Uri.EscapeDataString(_vhost.Name);
        using var got = await client.PostAsJsonAsync($"api/queues/{vhost}/{Uri.EscapeDataString(queue)}/get",
            new { count = 1, ackmode = "ack_requeue_true", encoding = "auto" });
        var message = (await got.Content.ReadFromJsonAsync<JsonElement>())[0];
        using var published = await client.PostAsJsonAsync($"api/exchanges/{vhost}/amq.default/publish", new
        {
            properties = message.GetProperty("properties"),
            routing_key = queue,
            payload = message.GetProperty("payload").GetString(),
            payload_encoding = message.GetProperty("payload_encoding").GetString(),
        });
        Assert.True((await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("routed").GetBoolean());
        await Eventually.HoldsAsync(async () => await CountAsync(queue) == 2, "the copy in the error queue");
    }
}
