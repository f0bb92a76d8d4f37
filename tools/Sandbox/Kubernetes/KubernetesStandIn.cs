using Mlops.Sandbox.Control;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>A Kubernetes API server subset with deployment, job, sealed-secrets and Argo workflow controllers.</summary>
public sealed class KubernetesStandIn : StandIn
{
    public KubernetesStandIn(SandboxContext context)
    {
        Context = context;
        Options = context.SectionOf("Kubernetes").Get<KubernetesOptions>() ?? new KubernetesOptions();
        Registry = new KubernetesRegistry(new ObjectStore(Options.WatchHistory));
    }

    public override string Name => "kubernetes";

    public SandboxContext Context { get; }

    public KubernetesOptions Options { get; }

    /// <summary>The objects, for tests that look behind the API (the API is the normal way in).</summary>
    public KubernetesRegistry Registry { get; }

    protected internal override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Options);
        services.AddSingleton(Registry);
        services.AddSingleton<OpenApiDocuments>();
        services.AddSingleton<KubernetesApi>();
        services.AddHostedService<DeploymentController>();
        services.AddHostedService<JobController>();
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
        var path = ApiPath.Parse(http.Request.Path.Value ?? "/");
        if (path is null)
            return new SandboxRequest(http.Request.Method.ToLowerInvariant(), "", http.Request.Path.Value ?? "/", null, null);
        var watch = http.Request.Query["watch"].ToString() is "true" or "1";
        var resource = path.Subresource is null ? path.Type.Plural : $"{path.Type.Plural}/{path.Subresource}";
        return new SandboxRequest(path.Verb(http.Request.Method, watch), path.Type.Group, resource, path.Namespace, path.Name);
    }

    protected internal override Task WriteFaultAsync(HttpContext http, int statusCode, string message)
    {
        if (statusCode == 429)
            http.Response.Headers.RetryAfter = "1";
        return KubernetesApi.WriteAsync(http, statusCode, KubernetesApiException.Injected(statusCode, message).ToStatus());
    }
}
