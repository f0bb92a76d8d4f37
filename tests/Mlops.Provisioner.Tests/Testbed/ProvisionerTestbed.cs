extern alias provisioner;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Contracts;
using Mlops.Provisioner.Sagas;
using Mlops.Provisioner.Stacks;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.SagaStore;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests.Testbed;

/// <summary>
/// The Provisioner's real Program against a throwaway RabbitMQ vhost, its own SQLite saga store and an in-process
/// sandbox whose MinIO knows the homelab's pod keys and has the stack's AMQP target, with a stand-in for the
/// ModelPromoter's webhook receiver. Quick sweeps and short step retries, so tests see deadlines pass.
/// </summary>
public sealed class ProvisionerTestbed : IAsyncDisposable
{
    /// <summary>The MinIO keys the homelab's pods get from <c>mlflow/minio-credentials</c> (the stack files are sealed with them).</summary>
    public const string PodsAccessKey = "mlflow-pods";
    public const string PodsSecretKey = "sandbox-pods-secret-key";
    public const string WebhookSecret = "sandbox-webhook-signing-secret";
    public const string Exchange = "mlops-minio-events";

    private readonly SqliteStoreFile _store;
    private readonly string _queueDir;

    private ProvisionerTestbed(RabbitMqVirtualHost vhost, SandboxFixture sandbox, PromoterWebhookReceiver receiver, SqliteStoreFile store, string queueDir,
        Dictionary<string, string?> settings)
    {
        Vhost = vhost;
        Sandbox = sandbox;
        Receiver = receiver;
        _store = store;
        _queueDir = queueDir;
        Settings = settings;
    }

    public RabbitMqVirtualHost Vhost { get; }

    /// <summary>The Provisioner's SQLite saga store, kept across restarts of the host or its process.</summary>
    public SqliteStoreFile Store => _store;

    public SandboxFixture Sandbox { get; }

    public PromoterWebhookReceiver Receiver { get; }

    /// <summary>The Provisioner's settings (its clients pointed at the sandbox, its store, its timings).</summary>
    public Dictionary<string, string?> Settings { get; }

    public ServiceHost<provisioner::Program> Host { get; private set; } = null!;

    public StackEvents Events { get; private set; } = null!;

    public IKubernetes Kubernetes => Sandbox.Kubernetes;

    public static async Task<ProvisionerTestbed> StartAsync(TestbedOptions? options = null, bool startHost = true)
    {
        options ??= new TestbedOptions();
        var vhost = await RabbitMqVirtualHost.CreateAsync("provisioner");
        var queueDir = Directory.CreateTempSubdirectory("provisioner-minio-queue-").FullName;
        var sandboxSettings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"Sandbox:s3:Users:{PodsAccessKey}"] = PodsSecretKey,
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = "http,https",
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"] = "true",
        };
        if (options.MinioTarget)
        {
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on";
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_URL_MLOPS"] = vhost.AmqpUrl.ToString();
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = Exchange;
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout";
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on";
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS"] = "2";
            sandboxSettings["Sandbox:s3:MINIO_NOTIFY_AMQP_QUEUE_DIR_MLOPS"] = queueDir;
        }
        foreach (var (key, value) in options.Sandbox)
            sandboxSettings[key] = value;
        var sandbox = await SandboxFixture.StartAsync(sandboxSettings);
        var receiver = await PromoterWebhookReceiver.StartAsync(WebhookSecret);
        var store = SqliteStoreFile.Create("provisioner");
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kubernetes:Server"] = sandbox.KubernetesUrl.ToString(),
            ["Kubernetes:Namespace"] = "mlflow",
            ["Minio:Endpoint"] = sandbox.S3Url.GetLeftPart(UriPartial.Authority),
            ["Minio:AccessKey"] = SandboxFixture.RootUser,
            ["Minio:SecretKey"] = SandboxFixture.RootPassword,
            ["Mlflow:Url"] = sandbox.MlflowUrl.ToString(),
            ["Provisioner:PromoterWebhookUrl"] = receiver.Url.ToString(),
            ["Provisioner:ReconcileInterval"] = "00:00:00",
            ["Provisioner:SecretTimeout"] = "00:00:20",
            ["Provisioner:RolloutTimeout"] = "00:00:30",
            ["Provisioner:StepDeadline"] = "00:01:00",
            ["SagaStore:SweepInterval"] = "00:00:00.100",
            ["Sagas:StepRetry:First"] = "00:00:00.200",
            ["Sagas:StepRetry:Max"] = "00:00:01",
        };
        foreach (var (key, value) in store.Settings())
            settings[key] = value;
        foreach (var (key, value) in options.Provisioner)
            settings[key] = value;
        var testbed = new ProvisionerTestbed(vhost, sandbox, receiver, store, queueDir, settings);
        try
        {
            foreach (var ns in options.Namespaces)
                await testbed.Kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
            if (startHost)
                await testbed.StartHostAsync();
        }
        catch
        {
            await testbed.DisposeAsync();
            throw;
        }
        return testbed;
    }

    /// <summary>Starts the Provisioner (again, after <see cref="StopHostAsync"/>) on the same store and vhost.</summary>
    public async Task StartHostAsync()
    {
        Host = new ServiceHost<provisioner::Program>(Vhost.AmqpUrl, Settings).Start();
        Events = await StackEvents.ConnectAsync(Host.Bus);
    }

    public async Task StopHostAsync() => await Host.DisposeAsync();

    /// <summary>A stack file of <c>stacks/</c>, read as the Provisioner reads it, after <paramref name="edit"/> changed its text.</summary>
    public static ProvisionStack StackFromFile(string name = "homelab.yaml", Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", name));
        return StackFile.Parse(edit?.Invoke(text) ?? text, name);
    }

    /// <summary>The sandbox's sealing of a value, as kubeseal would seal it for the sandbox's cluster.</summary>
    public static string Sealed(string value) => SealedSecretController.Seal(value);

    /// <summary>A value sealed for some other cluster: the sandbox's controller cannot unseal it.</summary>
    public static string SealedElsewhere(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes("other-cluster:" + value));

    public Task ProvisionAsync(ProvisionStack stack) => Host.Bus.Publish(stack with { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow });

    public Task ReplayAsync(string stackName) => Host.Bus.Publish(new ReplaySaga
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        SagaType = nameof(StackState),
        CorrelationId = SagaIds.ForStack(stackName),
        RequestedBy = "ops@example.org",
    });

    /// <summary>Asks the Provisioner where the stack stands, as another service does.</summary>
    public async Task<StackStatus> StatusAsync(string stackName)
    {
        var client = Host.Bus.CreateRequestClient<GetStackStatus>(RequestTimeout.After(s: 30));
        var response = await client.GetResponse<StackStatus>(new GetStackStatus { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, StackName = stackName });
        return response.Message;
    }

    public ISagaCatalog Catalog => Host.Services.GetRequiredService<ISagaCatalog>();

    public async Task<(SagaInstanceRecord Record, StackState Saga)?> FindAsync(string stackName)
    {
        var record = await Catalog.FindAsync(SagaIds.ForStack(stackName), nameof(StackState));
        return record is null ? null : (record, JsonSerializer.Deserialize<StackState>(record.Data)!);
    }

    /// <summary>Waits until the stack's saga is in <paramref name="state"/>; the timeout names where it was instead.</summary>
    public async Task<(SagaInstanceRecord Record, StackState Saga)> InStateAsync(string stackName, string state, TimeSpan? timeout = null)
    {
        (SagaInstanceRecord Record, StackState Saga)? found = null;
        try
        {
            await Eventually.HoldsAsync(async () => (found = await FindAsync(stackName)) is { } f && f.Record.State == state, $"stack {stackName} in {state}",
                timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} (last seen: {found?.Record.State ?? "missing"}, pending {found?.Saga.PendingStep?.Step ?? "-"} " +
                                       $"x{found?.Saga.PendingStep?.Attempts}: {found?.Saga.PendingStep?.LastReason ?? "-"}; failed: {found?.Saga.FailedStep?.Reason ?? "-"})", ex);
        }
        return found!.Value;
    }

    public Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(string stackName) => Catalog.HistoryAsync(SagaIds.ForStack(stackName), nameof(StackState));

    /// <summary>Waits for the <paramref name="count"/>th event of type <typeparamref name="T"/>.</summary>
    public async Task<T> EventAsync<T>(int count = 1, TimeSpan? timeout = null)
    {
        await Eventually.HoldsAsync(() => Events.Of<T>().Count >= count, $"{count} x {typeof(T).Name} (received: {string.Join(" | ", Events.Lines)})",
            timeout ?? TimeSpan.FromSeconds(60));
        return Events.Of<T>()[count - 1];
    }

    public IReadOnlyList<RequestRecord> Requests(string? standIn = null) => Sandbox.Requests.Snapshot(standIn);

    /// <summary>A request that changes something: Kubernetes' writing verbs, S3's PUT, POST and DELETE, MLflow's POST, PATCH and DELETE.</summary>
    public static bool IsWrite(RequestRecord request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.StandIn switch
        {
            "kubernetes" => request.Verb is "create" or "update" or "patch" or "delete" or "deletecollection",
            "s3" => request.Verb is "put" or "post" or "delete",
            "mlflow" => request.Verb is "post" or "patch" or "delete",
            _ => false,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Vhost.DisposeAsync();
        await _store.DisposeAsync();
        if (Directory.Exists(_queueDir))
            Directory.Delete(_queueDir, recursive: true);
    }
}
