using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Sandbox.Faults;
using Mlops.ServiceDefaults.Messaging;
using Mlops.Testing;

namespace Mlops.ServiceDefaults.Tests.Failures;

/// <summary>KubernetesClient's real exceptions, produced against the Kubernetes stand-in, classified by status and Status reason.</summary>
public sealed class When_Kubernetes_answers_an_error(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task Should_call_an_injected_server_error_or_throttle_transient(int status)
    {
        sandbox.Faults.Set("kubernetes", "apps", new FaultRule { ErrorRate = 1, StatusCodes = [status] });
        try
        {
            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => sandbox.Kubernetes.AppsV1.ListNamespacedDeploymentAsync("default"));
            var failure = TransientErrors.Classify(ex);
            Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
            Assert.Equal(status, failure.StatusCode);
            Assert.StartsWith($"HTTP {status} from Kubernetes", failure.Reason, StringComparison.Ordinal);
            Assert.True(TransientErrors.IsTransient(ex));
        }
        finally
        {
            sandbox.Faults.Clear("kubernetes", "apps");
        }
    }

    [Fact]
    public async Task Should_call_a_missing_object_permanent_with_the_Status_message()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => sandbox.Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("absent", "default"));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(new OutsideFailure(OutsideFailureKind.Permanent, 404, "HTTP 404 from Kubernetes (NotFound): deployments.apps \"absent\" not found"), failure);
        Assert.False(TransientErrors.IsTransient(ex));
    }

    [Fact]
    public async Task Should_call_an_invalid_object_permanent()
    {
        var invalid = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "Not_A_DNS_Name" } };
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => sandbox.Kubernetes.CoreV1.CreateNamespacedConfigMapAsync(invalid, "default"));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Permanent, failure.Kind);
        Assert.Equal(422, failure.StatusCode);
        Assert.StartsWith("HTTP 422 from Kubernetes (Invalid)", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_call_a_stale_update_a_conflict_and_a_taken_name_permanent()
    {
        var name = "cm-" + Guid.NewGuid().ToString("N")[..8];
        var created = await sandbox.Kubernetes.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default");

        var taken = await Assert.ThrowsAsync<HttpOperationException>(() => sandbox.Kubernetes.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default"));
        Assert.Equal(OutsideFailureKind.Permanent, TransientErrors.Classify(taken).Kind);
        Assert.Equal(409, TransientErrors.Classify(taken).StatusCode);

        created.Data["a"] = "2";
        await sandbox.Kubernetes.CoreV1.ReplaceNamespacedConfigMapAsync(created, name, "default");
        created.Data["a"] = "3"; // still the first resourceVersion
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => sandbox.Kubernetes.CoreV1.ReplaceNamespacedConfigMapAsync(created, name, "default"));
        var failure = TransientErrors.Classify(stale);
        Assert.Equal(OutsideFailureKind.Conflict, failure.Kind);
        Assert.Equal(409, failure.StatusCode);
        Assert.StartsWith("HTTP 409 from Kubernetes (Conflict)", failure.Reason, StringComparison.Ordinal);
        Assert.True(TransientErrors.IsTransient(stale));
    }

    [Fact]
    public async Task Should_call_a_refused_connection_transient()
    {
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = ClosedPort.Url().ToString().TrimEnd('/') });
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.CoreV1.ListNamespaceAsync());
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
        Assert.Null(failure.StatusCode);
        Assert.Contains("connection", failure.Reason, StringComparison.OrdinalIgnoreCase);
    }
}
