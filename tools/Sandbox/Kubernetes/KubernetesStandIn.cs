using System.Security.Cryptography.X509Certificates;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Kubernetes.Access;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// A Kubernetes API server subset with authentication and RBAC, a scheduler and kubelet for one node, and the
/// deployment, replica set, job, namespace, garbage collection, sealed-secrets and Argo workflow controllers.
/// </summary>
public sealed class KubernetesStandIn : StandIn
{
    public KubernetesStandIn(SandboxContext context)
    {
        Context = context;
        Options = context.SectionOf("Kubernetes").Get<KubernetesOptions>() ?? new KubernetesOptions();
        Registry = new KubernetesRegistry(new ObjectStore(Options.WatchHistory));
        Pods = new PodWorkers();
        Services = new ClusterServices(Registry, Pods);
        Tokens = new ServiceAccountTokens(Registry);
        Authorizer = new RbacAuthorizer(Registry);
        Authenticator = new Authenticator(Tokens, Authorizer);
        context.ClusterServices = Services;
        Certificate = ServingCertificate.Create();
    }

    public override string Name => "kubernetes";

    public SandboxContext Context { get; }

    public KubernetesOptions Options { get; }

    /// <summary>The objects, for tests that look behind the API (the API is the normal way in).</summary>
    public KubernetesRegistry Registry { get; }

    /// <summary>The kubelet's running containers, for tests that look behind the API.</summary>
    public PodWorkers Pods { get; }

    /// <summary>The cluster's Services and their ready endpoints (also <see cref="SandboxContext.ClusterServices"/>).</summary>
    public ClusterServices Services { get; }

    public ServiceAccountTokens Tokens { get; }

    public RbacAuthorizer Authorizer { get; }

    public Authenticator Authenticator { get; }

    /// <summary>The https endpoint's certificate (self-signed: trust it as the cluster's CA).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM, for kubeconfigs (<c>certificate-authority-data</c> is its base64).</summary>
    public string CertificateAuthorityPem => ServingCertificate.Pem(Certificate);

    public override X509Certificate2? ServerCertificate => Certificate;

    protected internal override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Options);
        services.AddSingleton(Registry);
        services.AddSingleton(Pods);
        services.AddSingleton(Services);
        services.AddSingleton(Tokens);
        services.AddSingleton(Authorizer);
        services.AddSingleton(Authenticator);
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<AccessReviews>();
        services.AddSingleton<EscalationCheck>();
        services.AddSingleton<TokenRequests>();
        services.AddSingleton<PodLogs>();
        services.AddSingleton<ServiceProxy>();
        services.AddSingleton<OpenApiDocuments>();
        services.AddSingleton<KubernetesApi>();
        services.AddSingleton<Kubelet>();
        services.AddHostedService(provider => provider.GetRequiredService<Kubelet>());
        services.AddHostedService<DeploymentController>();
        services.AddHostedService<ReplicaSetController>();
        services.AddHostedService<JobController>();
        services.AddHostedService<NamespaceController>();
        services.AddHostedService<GarbageCollector>();
        services.AddHostedService<SealedSecretController>();
        services.AddHostedService<WorkflowController>();
    }

    protected internal override void MapRoutes(WebApplication app)
    {
        var api = app.Services.GetRequiredService<KubernetesApi>();
        app.Run(api.HandleAsync);
    }

    protected internal override SandboxRequest? Describe(HttpContext http)
    {
        var identity = Authenticator.Identify(http);
        var user = identity.Authenticated?.Name;
        var impersonated = identity.Impersonating ? identity.Effective!.Name : null;
        var path = ApiPath.Parse(http.Request.Path.Value ?? "/");
        if (path is null)
            return new SandboxRequest(http.Request.Method.ToLowerInvariant(), "", http.Request.Path.Value ?? "/", null, null, user, impersonated);
        var watch = http.Request.Query["watch"].ToString() is "true" or "1";
        var resource = path.Subresource is null ? path.Type.Plural : $"{path.Type.Plural}/{path.Subresource}";
        return new SandboxRequest(path.Verb(http.Request.Method, watch), path.Type.Group, resource, path.Namespace, path.Name, user, impersonated);
    }

    public override ValueTask DisposeAsync()
    {
        Certificate.Dispose();
        return base.DisposeAsync();
    }

    protected internal override Task WriteFaultAsync(HttpContext http, int statusCode, string message)
    {
        if (statusCode == 429)
            http.Response.Headers.RetryAfter = "1";
        return KubernetesApi.WriteAsync(http, statusCode, KubernetesApiException.Injected(statusCode, message).ToStatus());
    }
}
