using System.Collections;
using System.Security.Cryptography;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// MinIO's S3 API: s3rver stores the objects, and a proxy in front adds MinIO's bucket-notification API and publishes
/// MinIO's event messages to the AMQP targets configured with <c>MINIO_NOTIFY_AMQP_*</c>.
/// </summary>
public sealed class MinioStandIn : StandIn
{
    private S3rverProcess? _s3rver;
    private BucketNotifications? _notifications;
    private S3Proxy? _proxy;

    public MinioStandIn(SandboxContext context)
    {
        var section = context.SectionOf("s3");
        Options = MinioOptions.From(section);
        // MinIO reads its targets from the environment; the sandbox's own settings win over it.
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        Targets = AmqpTargetSettings.Read(environment.Concat(section.AsEnumerable(makePathsRelative: true)));
    }

    public override string Name => "s3";

    public MinioOptions Options { get; }

    /// <summary>The AMQP targets, by ID; a bucket subscribes to one with its ARN.</summary>
    public IReadOnlyList<AmqpTargetSettings> Targets { get; }

    public BucketNotifications Notifications => _notifications ?? throw new InvalidOperationException("The s3 stand-in has not started.");

    /// <summary>s3rver itself, behind the proxy; requests sent here directly raise no events.</summary>
    public Uri StorageUrl => _s3rver?.Url ?? throw new InvalidOperationException("The s3 stand-in has not started.");

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
        var resource = http.Request.Query.Keys.FirstOrDefault(k => !k.StartsWith("X-Amz-", StringComparison.Ordinal)) ?? group;
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
        var targets = Targets.Select(t => new AmqpNotificationTarget(t, loggers.CreateLogger<AmqpNotificationTarget>(), TimeProvider.System)).ToList();
        var deployment = new MinioDeployment(Guid.NewGuid().ToString(), Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray())), Options.Region);
        _notifications = new BucketNotifications(targets, deployment, loggers.CreateLogger<BucketNotifications>());
        _proxy = new S3Proxy(services.GetRequiredService<IHttpForwarder>(), _s3rver.Url, Options, _notifications, TimeProvider.System);
    }

    public override async ValueTask DisposeAsync()
    {
        _proxy?.Dispose();
        if (_notifications is not null)
            await _notifications.DisposeAsync();
        if (_s3rver is not null)
            await _s3rver.DisposeAsync();
        await base.DisposeAsync();
    }
}
