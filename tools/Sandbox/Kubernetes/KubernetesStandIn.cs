using Mlops.Sandbox.Hosting;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>A Kubernetes API server subset with deployment, job, sealed-secrets and Argo workflow controllers.</summary>
public sealed class KubernetesStandIn(SandboxContext context) : StandIn
{
    public override string Name => "kubernetes";

    public SandboxContext Context { get; } = context;

    protected internal override void MapRoutes(WebApplication app)
    {
        app.MapGet("/version", () => Results.Ok(new { major = "1", minor = "32", gitVersion = "v1.32.0-sandbox", platform = "linux/amd64" }));
    }
}
