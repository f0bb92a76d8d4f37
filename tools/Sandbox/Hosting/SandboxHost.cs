using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Faults;
using Mlops.Sandbox.Kubernetes;
using Mlops.Sandbox.Minio;
using Mlops.Sandbox.Mlflow;
using Mlops.Sandbox.Programs;
using Mlops.Sandbox.Training;

namespace Mlops.Sandbox.Hosting;

/// <summary>Starts every stand-in on its own 127.0.0.1 port, in-process for tests or as the sandbox process.</summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly List<(StandIn StandIn, WebApplication App)> _running = [];

    private SandboxHost(SandboxContext context)
    {
        Context = context;
    }

    public SandboxContext Context { get; }

    public RequestLog Requests => Context.Requests;

    public FaultInjection Faults => Context.Faults;

    /// <summary>Every served stand-in in start order, as printed by the sandbox process.</summary>
    public IReadOnlyList<SandboxEndpoint> Endpoints => _running
        .SelectMany(r => r.StandIn.ServerCertificate is null
            ? [new SandboxEndpoint(r.StandIn.Name, r.StandIn.Url)]
            : new[] { new SandboxEndpoint(r.StandIn.Name, r.StandIn.Url), new SandboxEndpoint($"{r.StandIn.Name}-https", r.StandIn.SecureUrl) })
        .ToList();

    public KubernetesStandIn Kubernetes => StandIn<KubernetesStandIn>();

    /// <summary>The running stand-in of type <typeparamref name="T"/>, for its URL and state.</summary>
    public T StandIn<T>() where T : StandIn =>
        _running.Select(r => r.StandIn).OfType<T>().SingleOrDefault()
        ?? throw new InvalidOperationException($"No {typeof(T).Name} in this sandbox.");

    public Uri UrlOf(string name) =>
        _running.Select(r => r.StandIn).SingleOrDefault(s => s.Name == name)?.Url
        ?? throw new InvalidOperationException($"No stand-in named {name} in this sandbox.");

    /// <summary>Starts the sandbox with settings given as <c>Sandbox:…</c> keys (tests use this).</summary>
    public static Task<SandboxHost> StartAsync(IEnumerable<KeyValuePair<string, string?>>? settings = null, CancellationToken cancellationToken = default) =>
        StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build(), cancellationToken);

    public static async Task<SandboxHost> StartAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var host = new SandboxHost(new SandboxContext(configuration.GetSection("Sandbox")));
        try
        {
            foreach (var standIn in Compose(host.Context))
                await host.StartAsync(standIn, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    // The composition: one line per stand-in, printed in this order.
    private static IEnumerable<StandIn> Compose(SandboxContext context)
    {
        var cluster = new ClusterAddresses(context);
        var mlflow = new MlflowStandIn(context, cluster);
        var s3 = new MinioStandIn(context, cluster);
        cluster.Add(mlflow);
        cluster.Add(s3);
        context.JobCompletionHooks.Add(new TrainingJobHook(cluster));
        context.ContainerPrograms.Add(new ModelServerProgram(cluster, context.SectionOf("ModelServer")));
        context.ContainerPrograms.Add(new MinioServerProgram(s3));
        context.ContainerPrograms.Add(new MlflowServerProgram(mlflow, new ImageLibraries(context.SectionOf("ModelServer"))));
        yield return new KubernetesStandIn(context);
        yield return mlflow;
        yield return s3;
        yield return new ControlStandIn(context);
    }

    private async Task StartAsync(StandIn standIn, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        // The builder also reads the hosting process's appsettings.json: in a test, a service's, copied beside the tests,
        // whose Information level logged every request the s3 proxy forwarded. The sandbox keeps its own level.
        builder.Logging.Services.Configure<LoggerFilterOptions>(filters => filters.Rules.Clear());
        var port = Context.SectionOf(standIn.Name).GetValue<int?>("Port") ?? 0;
        var securePort = Context.SectionOf(standIn.Name).GetValue<int?>("SecurePort") ?? 0;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            // Some clients send credentials only over TLS (kubectl sends no bearer token to an http server).
            if (standIn.ServerCertificate is { } certificate)
                kestrel.Listen(IPAddress.Loopback, securePort, listen => listen.UseHttps(certificate));
        });
        builder.Services.AddSingleton(Context);
        builder.Services.AddSingleton(standIn);
        standIn.ConfigureServices(builder.Services);

        var app = builder.Build();
        var pipeline = new SandboxRequestPipeline(standIn, Context);
        app.Use(pipeline.InvokeAsync);
        standIn.MapRoutes(app);
        _running.Add((standIn, app));
        await app.StartAsync(cancellationToken);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/"))
            .ToList();
        standIn.OnStarted(addresses.Single(a => a.Scheme == "http"), addresses.SingleOrDefault(a => a.Scheme == "https"));
    }

    /// <summary>Returns when the process is asked to stop (Ctrl+C or SIGTERM).</summary>
    public async Task WaitForShutdownAsync()
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await stop.Task;

        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var (standIn, app) = _running[i];
            await app.StopAsync();
            await app.DisposeAsync();
            await standIn.DisposeAsync();
        }
        _running.Clear();
    }
}
