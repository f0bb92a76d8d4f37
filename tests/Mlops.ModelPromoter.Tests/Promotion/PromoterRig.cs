extern alias modelpromoter;

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.SagaStore;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>
/// One test's world: the ModelPromoter's real Program on a SQLite store of its own, on the sandbox's vhost of the real
/// broker and against the sandbox, and a test bus beside it that answers <see cref="GetStackStatus"/> for the Provisioner
/// (<see cref="StackDesk"/>), records what is handed to the real serving saga (<see cref="ServingRequests"/>) and
/// records the promotion events (<see cref="PromotionEvents"/>). The promoter serves on the sandbox's Kubernetes as its own
/// ServiceAccount and reads MinIO with read-only keys of its own (<see cref="PromoterSandbox"/>).
/// </summary>
public sealed class PromoterRig : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
    private readonly IBusControl _bus;
    private readonly SqliteStoreFile _store;
    private readonly Dictionary<string, string?> _settings;
    private bool _listen;

    private PromoterRig(PromoterSandbox sandbox, SqliteStoreFile store, IBusControl bus, StackDesk desk, ServingRequests serving,
        PromotionEvents events, Dictionary<string, string?> settings)
    {
        Sandbox = sandbox;
        _store = store;
        _bus = bus;
        Desk = desk;
        Serving = serving;
        Events = events;
        _settings = settings;
    }

    public PromoterSandbox Sandbox { get; }

    public RegistrySeed Registry => Sandbox.Registry;

    public StackDesk Desk { get; }

    public ServingRequests Serving { get; }

    public PromotionEvents Events { get; }

    /// <summary>The promoter in this process, while it runs.</summary>
    public ServiceHost<modelpromoter::Program>? Promoter { get; private set; }

    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>Where the promoter listens, when started to listen.</summary>
    public Uri? Url { get; private set; }

    /// <summary>Short timings; the reconciliation off unless a test turns it on.</summary>
    public static Dictionary<string, string?> DefaultSettings(PromoterSandbox sandbox) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Mlflow:Url"] = sandbox.Sandbox.MlflowUrl.ToString(),
        ["SagaStore:SweepInterval"] = "00:00:00.100",
        ["Sagas:StepRetry:First"] = "00:00:00.200",
        ["Sagas:StepRetry:Max"] = "00:00:01",
        ["ModelPromoter:Promotion:StepDeadline"] = "00:00:30",
        ["ModelPromoter:Promotion:RegistrationPollInterval"] = "00:00:00.200",
        ["ModelPromoter:Promotion:StackCheckInterval"] = "00:00:00.300",
        ["ModelPromoter:Reconciliation:Enabled"] = "false",
        ["Kubernetes:Server"] = sandbox.Sandbox.KubernetesUrl.ToString(),
        ["Kubernetes:Token"] = sandbox.PromoterToken,
        ["Kubernetes:Namespace"] = PromoterSandbox.Namespace,
        ["Minio:Endpoint"] = sandbox.Sandbox.S3Url.GetLeftPart(UriPartial.Authority),
        ["Minio:AccessKey"] = PromoterSandbox.ReaderKey,
        ["Minio:SecretKey"] = PromoterSandbox.ReaderSecret,
        ["ModelPromoter:Serving:StartupTimeout"] = "00:05:00",
        ["ModelPromoter:Serving:RolloutDeadline"] = "00:01:00",
        ["ModelPromoter:Serving:SmokeCheckDeadline"] = "00:00:20",
        ["ModelPromoter:Serving:WatcherResync"] = "00:00:02",
        // The sandbox's one node has 8 CPUs and 32 GiB: the homelab's 1 CPU/4Gi per server would fill it after eight.
        ["ModelPromoter:Policies:Default:Resources:CpuRequest"] = "50m",
        ["ModelPromoter:Policies:Default:Resources:MemoryRequest"] = "64Mi",
    };

    /// <summary>
    /// A rig; with <paramref name="listen"/> the promoter serves HTTP on a real loopback port (<see cref="Url"/>), so the
    /// MLflow stand-in can call its webhook.
    /// </summary>
    public static async Task<PromoterRig> StartAsync(PromoterSandbox sandbox, IReadOnlyDictionary<string, string?>? settings = null, bool startPromoter = true,
        bool listen = false)
    {
        var store = SqliteStoreFile.Create("promoter");
        var all = new Dictionary<string, string?>(store.Settings(), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in DefaultSettings(sandbox))
            all[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var desk = new StackDesk();
        var serving = new ServingRequests();
        var events = new PromotionEvents();
        var id = Guid.NewGuid().ToString("N")[..8];
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(sandbox.VirtualHost.AmqpUrl);
            // Queues of this test only, gone with its bus, so no later test meets its leftovers.
            cfg.ReceiveEndpoint($"test-stack-desk-{id}", e => Temporary(e).Instance(desk));
            cfg.ReceiveEndpoint($"test-serving-requests-{id}", e => Temporary(e).Instance(serving));
            cfg.ReceiveEndpoint($"test-promotion-events-{id}", e => Temporary(e).Instance(events));
        });
        await bus.StartAsync();
        var rig = new PromoterRig(sandbox, store, bus, desk, serving, events, all) { _listen = listen };
        if (startPromoter)
            rig.StartPromoter();
        return rig;
    }

    private static MassTransit.IRabbitMqReceiveEndpointConfigurator Temporary(MassTransit.IRabbitMqReceiveEndpointConfigurator endpoint)
    {
        endpoint.AutoDelete = true;
        endpoint.Durable = false;
        return endpoint;
    }

    /// <summary>Starts the promoter in this process and waits until its endpoints listen.</summary>
    public ServiceHost<modelpromoter::Program> StartPromoter()
    {
        if (Promoter is not null)
            throw new InvalidOperationException("The promoter runs already.");
        var host = new ServiceHost<modelpromoter::Program>(Sandbox.VirtualHost.AmqpUrl, _settings,
            services => services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true));
        if (_listen)
            host.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Promoter = host.Start();
        if (_listen)
        {
            var address = Promoter.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            Url = new Uri(address);
        }
        return Promoter;
    }

    public async Task StopPromoterAsync()
    {
        if (Promoter is null)
            return;
        await Promoter.DisposeAsync();
        Promoter = null;
    }

    /// <summary>Changes a setting of the running promoter (policies are read at each attempt).</summary>
    public void Configure(string key, string? value) =>
        (Promoter ?? throw new InvalidOperationException("The promoter is not running.")).Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()[key] = value;

    public Task PublishAsync<T>(T message) where T : class => _bus.Publish(message);

    /// <summary>Announces a ready stack, as the Provisioner does, and answers questions about it; waits until the promoter recorded it.</summary>
    public async Task<StackReady> StackAsync(StackReady? stack = null)
    {
        stack ??= HomelabStack.Create();
        Desk.Ready(stack);
        await PublishAsync(stack);
        await Eventually.HoldsAsync(async () => await Catalog.FindAsync(SagaIds.ForStack(stack.StackName), nameof(KnownStackState)) is not null,
            $"stack {stack.StackName} recorded");
        return stack;
    }

    public static ModelRegistered Registered(string model, string version, string runId, string source, string? stackName,
        IReadOnlyDictionary<string, double>? metrics = null) => new()
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        ModelName = model,
        Version = version,
        RunId = runId,
        Source = source,
        StackName = stackName,
        TrainingId = Guid.NewGuid(),
        Metrics = metrics ?? new Dictionary<string, double> { ["accuracy"] = 0.91 },
    };

    public Task ReplayAsync(Guid promotionId) => PublishAsync(new ReplaySaga
    {
        FlowId = Guid.Empty,
        OccurredAt = DateTimeOffset.UtcNow,
        SagaType = nameof(PromotionState),
        CorrelationId = promotionId,
        RequestedBy = "ops@example.org",
    });

    public ISagaCatalog Catalog => (Promoter ?? throw new InvalidOperationException("The promoter is not running.")).Services.GetRequiredService<ISagaCatalog>();

    /// <summary>The stored promotion, or null before it exists.</summary>
    public async Task<(SagaInstanceRecord Record, PromotionState Promotion)?> FindAsync(Guid promotionId)
    {
        var record = await Catalog.FindAsync(promotionId, nameof(PromotionState));
        return record is null ? null : (record, JsonSerializer.Deserialize<PromotionState>(record.Data, Json)!);
    }

    /// <summary>Waits until the stored promotion satisfies <paramref name="condition"/>; a timeout says where it was.</summary>
    public async Task<(SagaInstanceRecord Record, PromotionState Promotion)> WaitForAsync(Guid promotionId,
        Func<SagaInstanceRecord, PromotionState, bool> condition, string what, TimeSpan? timeout = null)
    {
        (SagaInstanceRecord Record, PromotionState Promotion)? found = null;
        try
        {
            await Eventually.HoldsAsync(async () => (found = await FindAsync(promotionId)) is { } f && condition(f.Record, f.Promotion), what, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} (last seen: {found?.Record.State ?? "missing"}, pending {found?.Promotion.PendingStep?.Step ?? "-"} "
                + $"{found?.Promotion.PendingStep?.LastReason}, stack: {found?.Promotion.StackLastSeen ?? "-"}, failed: {found?.Promotion.FailedStep?.Reason ?? "-"})", ex);
        }
        return found!.Value;
    }

    public Task<(SagaInstanceRecord Record, PromotionState Promotion)> InStateAsync(Guid promotionId, string state, TimeSpan? timeout = null) =>
        WaitForAsync(promotionId, (record, _) => record.State == state, $"promotion {promotionId} in {state}", timeout);

    /// <summary>Waits until the stored saga of type <typeparamref name="TState"/> satisfies <paramref name="condition"/>.</summary>
    public async Task<(SagaInstanceRecord Record, TState State)> WaitForSagaAsync<TState>(Guid id, Func<SagaInstanceRecord, TState, bool> condition, string what,
        TimeSpan? timeout = null)
        where TState : class
    {
        (SagaInstanceRecord Record, TState State)? found = null;
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                var record = await Catalog.FindAsync(id, typeof(TState).Name);
                found = record is null ? null : (record, JsonSerializer.Deserialize<TState>(record.Data, Json)!);
                return found is { } f && condition(f.Record, f.State);
            }, what, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} (last seen: {found?.Record.State ?? "missing"}: {found?.Record.Data})", ex);
        }
        return found!.Value;
    }

    /// <summary>Waits for the <see cref="ServingRolloutComplete"/> of this version; answers every one the model had so far.</summary>
    public async Task<IReadOnlyList<ServingRolloutComplete>> RolloutCompleteAsync(string model, string version)
    {
        await Eventually.HoldsAsync(() => Events.Completed.Any(e => e.ModelName == model && e.Version == version), $"ServingRolloutComplete {model} {version}");
        return Events.Completed.Where(e => e.ModelName == model).ToList();
    }

    public Task<IReadOnlyList<SagaHistoryEntry>> SagaHistoryAsync<TState>(Guid id) => Catalog.HistoryAsync(id, typeof(TState).Name);

    public Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(Guid promotionId) => Catalog.HistoryAsync(promotionId, nameof(PromotionState));

    /// <summary>Every write the promoter made to the Kubernetes stand-in (creates, updates, patches, deletes).</summary>
    public IReadOnlyList<string> KubernetesWrites() => Sandbox.Sandbox.Requests.Snapshot("kubernetes")
        .Where(r => r.User == PromoterSandbox.PromoterUser && r.Verb is "create" or "update" or "patch" or "delete" or "deletecollection")
        .Select(r => r.ToString()).ToList();

    public async ValueTask DisposeAsync()
    {
        await StopPromoterAsync();
        await _bus.StopAsync();
        await _store.DisposeAsync();
    }
}
