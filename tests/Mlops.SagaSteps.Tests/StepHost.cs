using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minio;
using Minio.DataModel.Args;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.SagaSteps.Tests.ModelHome;
using Mlops.ServiceDefaults;
using Mlops.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Refit;

namespace Mlops.SagaSteps.Tests;

/// <summary>
/// A service as the product builds one (AddServiceDefaults, durable saga store, real RabbitMQ in a vhost of its own) running
/// the model home saga against the sandbox; quick sweeps and short step retries so tests see deadlines pass.
/// </summary>
public sealed class StepHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RabbitMqVirtualHost _vhost;
    private readonly SqliteStoreFile? _store;
    private readonly SandboxFixture _sandbox;

    private StepHost(WebApplication app, RabbitMqVirtualHost vhost, SqliteStoreFile? store, SandboxFixture sandbox, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        _vhost = vhost;
        _store = store;
        _sandbox = sandbox;
    }

    public IServiceProvider Services => _app.Services;

    public CapturedLogs Logs { get; }

    public ModelHomeEvents.Observed Events => Services.GetRequiredService<ModelHomeEvents.Observed>();

    public ModelHomeStateMachine Machine => Services.GetRequiredService<ModelHomeStateMachine>();

    public ISagaCatalog Catalog => Services.GetRequiredService<ISagaCatalog>();

    /// <param name="postgres">A schema to keep the sagas in; without one, a SQLite file of the host's own.</param>
    public static async Task<StepHost> StartAsync(SandboxFixture sandbox, TimeSpan? stepDeadline = null, TimeSpan? firstRetry = null,
        TimeSpan? maxRetry = null, PostgresSchema? postgres = null)
    {
        var vhost = await RabbitMqVirtualHost.CreateAsync("saga-steps");
        var store = postgres is null ? SqliteStoreFile.Create("saga-steps") : null;
        var logs = new CapturedLogs();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Mlops.StepProbe" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // The application name names no assembly: no hosting start-up assemblies to look for.
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.Configuration["RABBITMQ_URL"] = vhost.AmqpUrl.ToString();
        foreach (var (key, value) in store?.Settings() ?? postgres!.Settings())
            builder.Configuration[key] = value;
        builder.Configuration["SagaStore:SweepInterval"] = "00:00:00.100";
        builder.Configuration["Logging:LogLevel:Mlops.ServiceDefaults.Sagas"] = "Debug";
        builder.Configuration["Sagas:StepRetry:First"] = (firstRetry ?? TimeSpan.FromMilliseconds(200)).ToString();
        builder.Configuration["Sagas:StepRetry:Max"] = (maxRetry ?? TimeSpan.FromSeconds(1)).ToString();
        builder.AddServiceDefaults(bus =>
        {
            bus.AddSagaStateMachine<ModelHomeStateMachine, ModelHomeState>();
            bus.AddConsumer<ModelHomeEvents>();
            bus.AddConsumer<ModelLookupConsumer>();
        });
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance);
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.Services.AddSingleton(new ModelHomeTimings(stepDeadline ?? TimeSpan.FromMinutes(3)));
        builder.Services.AddSingleton<ModelHomeEvents.Observed>();
        builder.Services.AddSingleton<ModelLookupConsumer.Attempts>();
        // The clients the product's steps use, pointed at the sandbox.
        builder.Services.AddSingleton(sandbox.Kubernetes);
        builder.Services.AddSingleton(sandbox.Minio);
        builder.Services.AddSingleton(_ => RestService.For<IMlflowModelsApi>(new HttpClient { BaseAddress = sandbox.MlflowUrl }));
        var app = builder.Build();
        var host = new StepHost(app, vhost, store, sandbox, logs);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>A model that is registered in MLflow, has its MLmodel in a bucket and a namespace for its ConfigMap.</summary>
    public async Task<PrepareModelHome> NewModelAsync(bool registered = true, bool artifact = true, bool namespaceExists = true, string? modelName = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var model = modelName ?? $"model-{suffix}";
        var bucket = $"artifacts-{suffix}";
        var ns = $"homes-{suffix}";
        if (registered)
            (await _sandbox.Mlflow.PostAsJsonAsync("api/2.0/mlflow/registered-models/create", new { name = model })).EnsureSuccessStatusCode();
        await _sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        if (artifact)
            await UploadArtifactAsync(bucket, model);
        if (namespaceExists)
            await _sandbox.Kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        return new PrepareModelHome
        {
            CorrelationId = NewId.NextGuid(),
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = model,
            Bucket = bucket,
            Namespace = ns,
        };
    }

    public async Task UploadArtifactAsync(string bucket, string model)
    {
        var body = Encoding.UTF8.GetBytes("artifact_path: model\nflavors:\n  python_function: {}\n");
        using var stream = new MemoryStream(body);
        await _sandbox.Minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(ModelHomeStateMachine.ArtifactKey(model))
            .WithStreamData(stream).WithObjectSize(body.Length).WithContentType("text/yaml"));
    }

    public Task PublishAsync<T>(T message) where T : class => Services.GetRequiredService<IBus>().Publish(message);

    public Task ReplayAsync(Guid correlationId, string requestedBy = "ops@example.org") =>
        PublishAsync(new ReplaySaga
        {
            FlowId = Guid.Empty,
            OccurredAt = DateTimeOffset.UtcNow,
            SagaType = nameof(ModelHomeState),
            CorrelationId = correlationId,
            RequestedBy = requestedBy,
        });

    /// <summary>The stored instance, or null before the saga exists.</summary>
    public async Task<(SagaInstanceRecord Record, ModelHomeState Saga)?> FindAsync(Guid correlationId)
    {
        var record = await Catalog.FindAsync(correlationId, nameof(ModelHomeState));
        return record is null ? null : (record, JsonSerializer.Deserialize<ModelHomeState>(record.Data)!);
    }

    /// <summary>Waits until the stored instance satisfies <paramref name="condition"/>.</summary>
    public async Task<(SagaInstanceRecord Record, ModelHomeState Saga)> WaitForAsync(Guid correlationId, Func<SagaInstanceRecord, ModelHomeState, bool> condition,
        string what, TimeSpan? timeout = null)
    {
        (SagaInstanceRecord Record, ModelHomeState Saga)? found = null;
        try
        {
            await Eventually.HoldsAsync(async () => (found = await FindAsync(correlationId)) is { } f && condition(f.Record, f.Saga), what, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"{ex.Message} (last seen: {found?.Record.State ?? "missing"}, pending {found?.Saga.PendingStep?.Step ?? "-"} " +
                $"x{found?.Saga.PendingStep?.Attempts}, failed: {found?.Saga.FailedStep?.Reason ?? "-"})", ex);
        }
        return found!.Value;
    }

    public Task<(SagaInstanceRecord Record, ModelHomeState Saga)> InStateAsync(Guid correlationId, string state, TimeSpan? timeout = null) =>
        WaitForAsync(correlationId, (record, _) => record.State == state, $"model home {correlationId} in {state}", timeout);

    public Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(Guid correlationId) => Catalog.HistoryAsync(correlationId, nameof(ModelHomeState));

    /// <summary>Names of every error queue in this host's vhost that holds a message (MassTransit creates one with its first message).</summary>
    public async Task<IReadOnlyList<string>> ErrorQueuesWithMessagesAsync()
    {
        var names = (await _vhost.ListAsync("queues")).Select(q => q.GetProperty("name").GetString()!).Where(n => n.EndsWith("_error", StringComparison.Ordinal));
        var holding = new List<string>();
        foreach (var name in names)
        {
            if (await MessagesInAsync(name) > 0)
                holding.Add(name);
        }
        return holding;
    }

    /// <summary>Messages waiting in a queue; a queue that does not exist holds none.</summary>
    public async Task<uint> MessagesInAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = _vhost.AmqpUrl }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    public string ErrorQueueOf<TConsumer>() where TConsumer : class, IConsumer =>
        Services.GetRequiredService<IEndpointNameFormatter>().Consumer<TConsumer>() + "_error";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _vhost.DisposeAsync();
        if (_store is not null)
            await _store.DisposeAsync();
    }
}
