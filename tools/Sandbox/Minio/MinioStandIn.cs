using System.Collections;
using System.Security.Cryptography;
using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Programs;
using Yarp.ReverseProxy.Forwarder;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// MinIO's S3 API: s3rver stores the objects, and a proxy in front verifies signatures, adds MinIO's bucket-notification
/// API and publishes MinIO's event messages to the AMQP targets configured with <c>MINIO_NOTIFY_AMQP_*</c>. While a
/// MinIO pod in the Kubernetes stand-in backs the stand-in's in-cluster address, that pod is the server: its root
/// credentials and notification targets replace the stand-in's own (one store behind both addresses).
/// </summary>
public sealed class MinioStandIn : StandIn
{
    private readonly ClusterAddresses _cluster;
    private S3rverProcess? _s3rver;
    private BucketNotifications? _notifications;
    private S3Proxy? _proxy;
    private MinioServerConfiguration? _own;

    public MinioStandIn(SandboxContext context, ClusterAddresses cluster)
    {
        _cluster = cluster;
        var section = context.SectionOf("s3");
        Options = MinioOptions.From(section);
        // MinIO reads its targets from the environment; the sandbox's own settings win over it.
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        TargetSettings = AmqpTargetSettings.Read(environment.Concat(section.AsEnumerable(makePathsRelative: true)));
    }

    public override string Name => "s3";

    public MinioOptions Options { get; }

    /// <summary>The stand-in's own AMQP targets, by ID; a bucket subscribes to one with its ARN.</summary>
    public IReadOnlyList<AmqpTargetSettings> TargetSettings { get; }

    public BucketNotifications Notifications => _notifications ?? throw new InvalidOperationException("The s3 stand-in has not started.");

    /// <summary>s3rver itself, behind the proxy; requests sent here directly raise no events.</summary>
    public Uri StorageUrl => _s3rver?.Url ?? throw new InvalidOperationException("The s3 stand-in has not started.");

    /// <summary>The server the stand-in is now: the in-cluster MinIO pod backing its address, else its own settings.</summary>
    public MinioServerConfiguration Server =>
        _cluster.BackingProcess(this) is MinioServerProcess pod
            ? pod.Configuration
            : _own ?? throw new InvalidOperationException("The s3 stand-in has not started.");

    /// <summary>The user <paramref name="accessKey"/> names on the current server: its root user or a configured user.</summary>
    public S3User? UserOf(string accessKey)
    {
        var server = Server;
        if (accessKey == server.RootUser)
            return new S3User(accessKey, server.RootPassword, ReadOnly: false);
        if (Options.Users.TryGetValue(accessKey, out var secret))
            return new S3User(accessKey, secret, ReadOnly: false);
        return Options.ReadOnlyUsers.TryGetValue(accessKey, out var readOnly) ? new S3User(accessKey, readOnly, ReadOnly: true) : null;
    }

    protected internal override void ConfigureServices(IServiceCollection services)
    {
        services.AddHttpForwarder();
        services.AddHostedService(provider => new S3BackendLifetime(this, provider));
    }

    protected internal override void MapRoutes(WebApplication app) =>
        app.Run(http => (_proxy ?? throw new InvalidOperationException("The s3 stand-in has not started.")).InvokeAsync(http));

    /// <summary>Buckets and objects are the groups of the request log and the fault rules (<c>bucket</c>, <c>object</c>).</summary>
    protected internal override SandboxRequest? Describe(HttpContext http)
    {
        var (bucket, key) = S3RequestPath.Parse(http);
        var group = key.Length > 0 ? "object" : bucket.Length > 0 ? "bucket" : "service";
        var resource = http.Request.Query.Keys.FirstOrDefault(k => !S3Authenticator.IsSignatureParameter(k)) ?? group;
        return new SandboxRequest(http.Request.Method.ToLowerInvariant(), group, resource, Namespace: bucket, Name: key.Length > 0 ? key : null);
    }

    protected internal override Task WriteFaultAsync(HttpContext http, int statusCode, string message)
    {
        var (bucket, _) = S3RequestPath.Parse(http);
        var code = statusCode switch
        {
            429 or 503 => "SlowDown",
            _ => "InternalError",
        };
        return new S3Exception(statusCode, code, message).WriteAsync(http, bucket, MinioEventMessage.Hex(DateTimeOffset.UtcNow));
    }

    internal async Task StartBackendAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        _s3rver = await S3rverProcess.StartAsync(Options, cancellationToken);
        var loggers = services.GetRequiredService<ILoggerFactory>();
        Loggers = loggers;
        var targets = TargetSettings.Select(t => new AmqpNotificationTarget(t, loggers.CreateLogger<AmqpNotificationTarget>(), TimeProvider.System, Options.Delivery)).ToList();
        _own = new MinioServerConfiguration(Options.RootUser, Options.RootPassword, targets, "the sandbox's settings");
        var deployment = new MinioDeployment(Guid.NewGuid().ToString(), Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray())), Options.Region);
        var file = string.IsNullOrEmpty(Options.DataDirectory) ? null : Path.Combine(Options.DataDirectory, NotificationsFile);
        _notifications = new BucketNotifications(() => Server, deployment, loggers.CreateLogger<BucketNotifications>(), file);
        _proxy = new S3Proxy(services.GetRequiredService<IHttpForwarder>(), _s3rver.Url, Options, _notifications, UserOf, TimeProvider.System);
    }

    /// <summary>
    /// Kept at the top of the data directory: s3rver takes only folders there for buckets, so a file is never listed.
    /// </summary>
    public const string NotificationsFile = ".minio-sandbox-notifications.json";

    /// <summary>The loggers of the stand-in's app, for targets created by in-cluster MinIO pods; null before start.</summary>
    internal ILoggerFactory? Loggers { get; private set; }

    public override async ValueTask DisposeAsync()
    {
        _proxy?.Dispose();
        if (_notifications is not null)
            await _notifications.DisposeAsync();
        foreach (var target in _own?.Targets ?? [])
            await target.DisposeAsync();
        if (_s3rver is not null)
            await _s3rver.DisposeAsync();
        await base.DisposeAsync();
    }
}
