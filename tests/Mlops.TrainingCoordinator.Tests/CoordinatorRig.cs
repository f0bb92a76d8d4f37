extern alias coordinator;

using System.Text.Json;
using k8s;
using k8s.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.Testing;
using Mlops.TrainingCoordinator.Sagas;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// One test's world: a RabbitMQ vhost of its own, the TrainingCoordinator's real Program on a SQLite store of its own
/// against the sandbox (fast timings), and a test bus beside it that answers <see cref="GetStackStatus"/> for the
/// Provisioner (<see cref="StackDesk"/>) and records the flow's events (<see cref="FlowRecorder"/>).
/// </summary>
public sealed class CoordinatorRig : IAsyncDisposable
{
    /// <summary>A pullable training image; the sandbox acts out <c>train.py</c> in any image.</summary>
    public const string TrainingImage = "ghcr.io/mlops-control-plane/cnn-train:1.0";

    public const string SecretName = "minio-credentials";

    private readonly IBusControl _bus;
    private readonly SqliteStoreFile _store;
    private readonly Dictionary<string, string?> _settings;

    private CoordinatorRig(TrainingSandbox sandbox, RabbitMqVirtualHost vhost, SqliteStoreFile store, IBusControl bus, StackDesk desk,
        FlowRecorder events, Dictionary<string, string?> settings)
    {
        Sandbox = sandbox;
        VirtualHost = vhost;
        _store = store;
        _bus = bus;
        Desk = desk;
        Events = events;
        _settings = settings;
    }

    public TrainingSandbox Sandbox { get; }

    public IKubernetes Kubernetes => Sandbox.Sandbox.Kubernetes;

    public RabbitMqVirtualHost VirtualHost { get; }

    public StackDesk Desk { get; }

    public FlowRecorder Events { get; }

    /// <summary>The coordinator in this process, while it runs.</summary>
    public ServiceHost<coordinator::Program>? Coordinator { get; private set; }

    /// <summary>The settings the coordinator runs with: its store, the sandbox's URLs, short timings.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    public string StoreDirectory => _store.Directory;

    public static async Task<CoordinatorRig> StartAsync(TrainingSandbox sandbox, IReadOnlyDictionary<string, string?>? settings = null,
        bool startCoordinator = true)
    {
        var vhost = await RabbitMqVirtualHost.CreateAsync("training");
        var store = SqliteStoreFile.Create("training");
        var all = new Dictionary<string, string?>(store.Settings(), StringComparer.OrdinalIgnoreCase)
        {
            ["Kubernetes:Server"] = sandbox.Sandbox.KubernetesUrl.ToString(),
            ["Mlflow:Url"] = sandbox.Sandbox.MlflowUrl.ToString(),
            ["SagaStore:SweepInterval"] = "00:00:00.100",
            ["Sagas:StepRetry:First"] = "00:00:00.200",
            ["Sagas:StepRetry:Max"] = "00:00:01",
            ["Training:StepDeadline"] = "00:00:30",
            ["Training:ReadyPollInterval"] = "00:00:00.200",
            ["Training:PodCheckInterval"] = "00:00:00.200",
            ["Training:WatchRetryDelay"] = "00:00:00.200",
            ["Training:ImagePullGrace"] = "00:00:02",
            ["Training:ContainerConfigGrace"] = "00:00:01",
            ["Training:StackWaitTimeout"] = "00:02:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var desk = new StackDesk();
        var events = new FlowRecorder();
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(vhost.AmqpUrl);
            cfg.ReceiveEndpoint("test-stack-desk", e => e.Instance(desk));
            cfg.ReceiveEndpoint("test-flow-recorder", e => e.Instance(events));
        });
        await bus.StartAsync();
        var rig = new CoordinatorRig(sandbox, vhost, store, bus, desk, events, all);
        if (startCoordinator)
            rig.StartCoordinator();
        return rig;
    }

    /// <summary>Starts the coordinator in this process and waits until its endpoints listen.</summary>
    public ServiceHost<coordinator::Program> StartCoordinator()
    {
        if (Coordinator is not null)
            throw new InvalidOperationException("The coordinator runs already.");
        // Started only once its queues are bound, so nothing the test publishes next is lost.
        Coordinator = new ServiceHost<coordinator::Program>(VirtualHost.AmqpUrl, _settings,
            services => services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true)).Start();
        return Coordinator;
    }

    public async Task StopCoordinatorAsync()
    {
        if (Coordinator is null)
            return;
        await Coordinator.DisposeAsync();
        Coordinator = null;
    }

    /// <summary>
    /// A stack's namespace with its credentials Secret (the sandbox MinIO user's keys; or the secret under another key
    /// name, or another value), and its StackReady.
    /// </summary>
    public async Task<StackReady> NewStackAsync(string? secretKeyName = null, string? secretValue = null)
    {
        var name = "stack-" + Guid.NewGuid().ToString("N")[..8];
        await Kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        await Kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = SecretName },
            StringData = new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = TrainingSandbox.AccessKey,
                [secretKeyName ?? "AWS_SECRET_ACCESS_KEY"] = secretValue ?? Sandbox.SecretKey,
            },
        }, name);
        var credentials = new StackCredentials { SecretName = SecretName };
        return new StackReady
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            StackName = name,
            Namespace = name,
            MlflowTrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
            MinioEndpoint = "http://minio.minio.svc.cluster.local:9000",
            ArtifactBucket = TrainingSandbox.ArtifactBucket,
            Buckets = [TrainingSandbox.ArtifactBucket],
            Credentials = credentials,
            Namespaces = [new StackNamespace { Name = name, Credentials = credentials }],
            MinioExchange = "mlops-minio-events",
        };
    }

    /// <summary>Puts the right secret under the right key into a stack's Secret, as an operator fixing it would.</summary>
    public async Task FixSecretAsync(StackReady stack)
    {
        var secret = await Kubernetes.CoreV1.ReadNamespacedSecretAsync(SecretName, stack.Namespace);
        secret.Data = null;
        secret.StringData = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = TrainingSandbox.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = Sandbox.SecretKey,
        };
        await Kubernetes.CoreV1.ReplaceNamespacedSecretAsync(secret, SecretName, stack.Namespace);
    }

    /// <summary>A request to train on <paramref name="stack"/> with the defaults, its own model name and a chosen training id.</summary>
    public static StartTraining Training(StackReady stack) => new()
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        TrainingId = Guid.NewGuid(),
        StackName = stack.StackName,
        ModelName = "cnn_classifier_" + Guid.NewGuid().ToString("N")[..6],
        Image = TrainingImage,
        RequestedBy = "tests@example.org",
    };

    public Task PublishAsync<T>(T message) where T : class => _bus.Publish(message);

    public Task ReplayAsync(Guid trainingId) => PublishAsync(new ReplaySaga
    {
        FlowId = Guid.Empty,
        OccurredAt = DateTimeOffset.UtcNow,
        SagaType = nameof(TrainingRunState),
        CorrelationId = trainingId,
        RequestedBy = "ops@example.org",
    });

    public Task CancelAsync(Guid trainingId, string? reason = null) => PublishAsync(new CancelSaga
    {
        FlowId = Guid.Empty,
        OccurredAt = DateTimeOffset.UtcNow,
        SagaType = nameof(TrainingRunState),
        CorrelationId = trainingId,
        RequestedBy = "ops@example.org",
        Reason = reason,
    });

    /// <summary>Waits for the run's ModelRegistered.</summary>
    public Task<ModelRegistered> RegisteredAsync(Guid trainingId, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Events.Registered.FirstOrDefault(e => e.TrainingId == trainingId)),
            $"ModelRegistered of training {trainingId}", timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Waits for the run's first TrainingRunFailed (or, with <paramref name="count"/>, that many).</summary>
    public async Task<TrainingRunFailed> FailedAsync(Guid trainingId, int count = 1, TimeSpan? timeout = null)
    {
        await Eventually.HoldsAsync(() => Events.Failed.Count(e => e.TrainingId == trainingId) >= count,
            $"{count} TrainingRunFailed of training {trainingId}", timeout ?? TimeSpan.FromSeconds(60));
        return Events.Failed.Where(e => e.TrainingId == trainingId).ElementAt(count - 1);
    }

    /// <summary>Waits for the TrainingRunFailed that says the run was cancelled.</summary>
    public Task<TrainingRunFailed> CancelledAsync(Guid trainingId) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Events.Failed.FirstOrDefault(e => e.TrainingId == trainingId && e.Cancelled)),
            $"the cancellation of training {trainingId}", TimeSpan.FromSeconds(60));

    private ISagaCatalog Catalog => (Coordinator ?? throw new InvalidOperationException("The coordinator is not running.")).Services.GetRequiredService<ISagaCatalog>();

    /// <summary>The stored run, or null before it exists.</summary>
    public async Task<(SagaInstanceRecord Record, TrainingRunState Run)?> FindAsync(Guid trainingId)
    {
        var record = await Catalog.FindAsync(trainingId, nameof(TrainingRunState));
        return record is null ? null : (record, JsonSerializer.Deserialize<TrainingRunState>(record.Data)!);
    }

    /// <summary>Waits until the stored run satisfies <paramref name="condition"/>; a timeout says where it was.</summary>
    public async Task<(SagaInstanceRecord Record, TrainingRunState Run)> WaitForAsync(Guid trainingId,
        Func<SagaInstanceRecord, TrainingRunState, bool> condition, string what, TimeSpan? timeout = null)
    {
        (SagaInstanceRecord Record, TrainingRunState Run)? found = null;
        try
        {
            await Eventually.HoldsAsync(async () => (found = await FindAsync(trainingId)) is { } f && condition(f.Record, f.Run), what, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} (last seen: {found?.Record.State ?? "missing"}, job {found?.Run.JobName ?? "-"}: "
                + $"{found?.Run.JobStatus ?? "-"}, pending {found?.Run.PendingStep?.Step ?? "-"} {found?.Run.PendingStep?.LastReason}, "
                + $"failed: {found?.Run.FailedStep?.Reason ?? "-"})", ex);
        }
        return found!.Value;
    }

    public Task<(SagaInstanceRecord Record, TrainingRunState Run)> InStateAsync(Guid trainingId, string state, TimeSpan? timeout = null) =>
        WaitForAsync(trainingId, (record, _) => record.State == state, $"training {trainingId} in {state}", timeout);

    public Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(Guid trainingId) => Catalog.HistoryAsync(trainingId, nameof(TrainingRunState));

    /// <summary>The training Jobs in a namespace, as the API server has them.</summary>
    public async Task<IReadOnlyList<V1Job>> JobsAsync(string ns) =>
        (await Kubernetes.BatchV1.ListNamespacedJobAsync(ns, labelSelector: Jobs.TrainingLabels.Selector)).Items.ToList();

    public async ValueTask DisposeAsync()
    {
        await StopCoordinatorAsync();
        await _bus.StopAsync();
        await VirtualHost.DisposeAsync();
        await _store.DisposeAsync();
    }
}
