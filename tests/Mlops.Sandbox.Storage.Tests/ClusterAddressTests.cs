using Microsoft.Extensions.Configuration;
using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Minio;
using Mlops.Sandbox.Mlflow;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>In-cluster names reach the stand-ins as cluster DNS and Services would route them, and nothing else resolves.</summary>
public sealed class ClusterAddressTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    private ClusterAddresses Addresses(StubClusterServices? services = null)
    {
        var context = new Hosting.SandboxContext(new ConfigurationBuilder().Build()) { ClusterServices = services };
        var cluster = new ClusterAddresses(context);
        cluster.Add(sandbox.Host.StandIn<MlflowStandIn>());
        cluster.Add(sandbox.Host.StandIn<MinioStandIn>());
        return cluster;
    }

    [Theory]
    [InlineData("http://mlflow.mlflow.svc.cluster.local:5000/api/2.0/mlflow/runs/get", null, "mlflow")]
    [InlineData("http://mlflow.mlflow.svc:5000/", "training", "mlflow")]
    [InlineData("http://mlflow.mlflow:5000/", "training", "mlflow")]
    [InlineData("http://mlflow:5000/", "mlflow", "mlflow")]
    [InlineData("http://minio.minio.svc.cluster.local:9000/mlflow", "mlflow", "s3")]
    [InlineData("http://MINIO.minio.svc.cluster.local.:9000/", null, "s3")]
    public void Should_resolve_the_default_in_cluster_names_like_cluster_dns(string url, string? podNamespace, string standIn)
    {
        var route = Addresses().Resolve(new Uri(url), podNamespace);

        Assert.True(route.Reached, route.Reason);
        Assert.Equal(standIn, route.StandIn!.Name);
        Assert.Null(route.Backing);
        Assert.Equal(route.StandIn.Url.Port, route.Rewrite(new Uri(url)).Port);
    }

    [Theory]
    [InlineData("http://mlflow:5000/", "training", ClusterRouteFailure.UnknownHost)]
    [InlineData("http://mlflow-server.mlflow.svc.cluster.local:5000/", null, ClusterRouteFailure.UnknownHost)]
    [InlineData("http://s3.amazonaws.com/", null, ClusterRouteFailure.UnknownHost)]
    [InlineData("http://mlflow.mlflow.svc.cluster.local:5001/", null, ClusterRouteFailure.ConnectionRefused)]
    [InlineData("http://127.0.0.1:1/", null, ClusterRouteFailure.ConnectionRefused)]
    public void Should_leave_anything_else_unreachable(string url, string? podNamespace, ClusterRouteFailure failure)
    {
        var route = Addresses().Resolve(new Uri(url), podNamespace);

        Assert.False(route.Reached);
        Assert.Equal(failure, route.Failure);
    }

    [Fact]
    public void Should_reach_a_stand_in_at_its_own_loopback_url()
    {
        var route = Addresses().Resolve(new Uri(sandbox.S3Url, "mlflow/MLmodel"), "mlflow");

        Assert.Equal("s3", route.StandIn?.Name);
    }

    [Fact]
    public void Should_refuse_connections_to_a_service_without_ready_pods_and_reach_its_pod_once_ready()
    {
        var services = new StubClusterServices();
        var cluster = Addresses(services);
        services.Expose("minio", "minio", 9000, ready: null);
        var waiting = cluster.Resolve(new Uri("http://minio.minio.svc.cluster.local:9000/"), "mlflow");
        var pod = new Programs.FailedProcess(Containers.Launch("quay.io/minio/minio", [], new Dictionary<string, string>(), new CapturedLog()), new Programs.ProgramExitException("stub"));
        services.Expose("minio", "minio", 9000, pod);
        var ready = cluster.Resolve(new Uri("http://minio.minio.svc.cluster.local:9000/"), "mlflow");

        Assert.Equal((ClusterRouteFailure.ConnectionRefused, "Service minio/minio has no ready endpoints"), (waiting.Failure, waiting.Reason));
        Assert.Same(pod, ready.Backing);
        Assert.Equal("s3", ready.StandIn?.Name);
    }

    [Fact]
    public void Should_take_the_in_cluster_addresses_from_the_settings()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Addresses:mlflow"] = "tracking.mlops.svc.cluster.local:80, mlflow.mlflow.svc.cluster.local:5000",
        }).Build();
        var cluster = new ClusterAddresses(new Hosting.SandboxContext(settings));
        cluster.Add(sandbox.Host.StandIn<MlflowStandIn>());

        Assert.True(cluster.Resolve(new Uri("http://tracking.mlops:80/"), "training").Reached);
        Assert.True(cluster.Resolve(new Uri("http://mlflow.mlflow.svc.cluster.local:5000/"), null).Reached);
    }
}
