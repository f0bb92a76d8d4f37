using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Minio;
using Mlops.Clients.Mlflow;

namespace Mlops.Clients.Tests;

/// <summary>Each section is checked when the host starts, and a bad one stops it with messages that name the setting.</summary>
public sealed class ConfigurationTests
{
    private static async Task<string> StartFailureAsync(Dictionary<string, string?> settings, Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder> register)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () => await (await ClientHost.StartAsync(settings, register)).DisposeAsync());
        return string.Join("\n", failure.Failures);
    }

    [Fact]
    public async Task Should_require_the_mlflow_url_and_name_it()
    {
        var message = await StartFailureAsync([], b => b.AddMlflowClient());

        Assert.Contains("Mlflow:Url is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_half_given_or_doubled_mlflow_credentials_without_repeating_them()
    {
        var half = await StartFailureAsync(new() { ["Mlflow:Url"] = "http://mlflow:5000", ["Mlflow:Username"] = "mlops" }, b => b.AddMlflowClient());
        var both = await StartFailureAsync(new()
        {
            ["Mlflow:Url"] = "http://mlflow:5000", ["Mlflow:Username"] = "mlops", ["Mlflow:Password"] = "hunter2", ["Mlflow:Token"] = "tok-secret",
        }, b => b.AddMlflowClient());
        var inUrl = await StartFailureAsync(new() { ["Mlflow:Url"] = "http://mlops:hunter2@mlflow:5000" }, b => b.AddMlflowClient());

        Assert.Contains("Mlflow:Username and Mlflow:Password go together", half, StringComparison.Ordinal);
        Assert.Contains("Mlflow:Token and Mlflow:Username/Mlflow:Password are both set", both, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", both, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-secret", both, StringComparison.Ordinal);
        Assert.Contains("Mlflow:Url must not carry credentials", inUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_name_each_bad_resilience_setting()
    {
        var message = await StartFailureAsync(new()
        {
            ["Mlflow:Url"] = "http://mlflow:5000",
            ["Mlflow:Timeout"] = "00:00:00",
            ["Mlflow:Resilience:MaxRetryAttempts"] = "50",
            ["Mlflow:Resilience:FailureRatio"] = "1.5",
            ["Mlflow:Resilience:MinimumThroughput"] = "1",
        }, b => b.AddMlflowClient());

        Assert.Contains("Mlflow:Timeout must be positive", message, StringComparison.Ordinal);
        Assert.Contains("Mlflow:Resilience:MaxRetryAttempts", message, StringComparison.Ordinal);
        Assert.Contains("Mlflow:Resilience:FailureRatio", message, StringComparison.Ordinal);
        Assert.Contains("Mlflow:Resilience:MinimumThroughput", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_require_minio_endpoint_and_keys_and_never_echo_the_secret()
    {
        var missing = await StartFailureAsync([], b => b.AddMinioClient());
        var withPath = await StartFailureAsync(new()
        {
            ["Minio:Endpoint"] = "http://minio:9000/bucket", ["Minio:AccessKey"] = "minio", ["Minio:SecretKey"] = "minio-secret-value", ["Minio:Region"] = " ",
        }, b => b.AddMinioClient());

        Assert.Contains("Minio:Endpoint is required", missing, StringComparison.Ordinal);
        Assert.Contains("Minio:AccessKey is required", missing, StringComparison.Ordinal);
        Assert.Contains("Minio:SecretKey is required", missing, StringComparison.Ordinal);
        Assert.Contains("Minio:Endpoint must be scheme, host and port only", withPath, StringComparison.Ordinal);
        Assert.Contains("Minio:Region must not be empty", withPath, StringComparison.Ordinal);
        Assert.DoesNotContain("minio-secret-value", withPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_follow_the_endpoint_s_scheme_for_tls()
    {
        Assert.True(new MinioClientOptions { Endpoint = new Uri("https://minio:9000") }.UseSsl);
        Assert.False(new MinioClientOptions { Endpoint = new Uri("http://minio:9000") }.UseSsl);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Should_name_the_kubernetes_settings_that_conflict_or_point_nowhere()
    {
        var both = await StartFailureAsync(new()
        {
            ["Kubernetes:Server"] = "https://10.0.0.1:6443", ["Kubernetes:Kubeconfig"] = "/nowhere/config", ["Kubernetes:Token"] = "t", ["Kubernetes:TokenFile"] = "/nowhere/token",
        }, b => b.AddKubernetesClient());
        var missingFile = await StartFailureAsync(new() { ["Kubernetes:Kubeconfig"] = "/nowhere/config" }, b => b.AddKubernetesClient());
        var badNamespace = await StartFailureAsync(new() { ["Kubernetes:Server"] = "http://127.0.0.1:1", ["Kubernetes:Namespace"] = "Not_Valid" }, b => b.AddKubernetesClient());
        var badServer = await StartFailureAsync(new() { ["Kubernetes:Server"] = "ftp://cluster" }, b => b.AddKubernetesClient());

        Assert.Contains("Kubernetes:Server and Kubernetes:Kubeconfig are both set", both, StringComparison.Ordinal);
        Assert.Contains("Kubernetes:Token and Kubernetes:TokenFile are both set", both, StringComparison.Ordinal);
        Assert.Contains("Kubernetes:TokenFile '/nowhere/token' does not exist", both, StringComparison.Ordinal);
        Assert.Contains("Kubernetes:Kubeconfig '/nowhere/config' does not exist", missingFile, StringComparison.Ordinal);
        Assert.Contains("Kubernetes:Namespace 'Not_Valid'", badNamespace, StringComparison.Ordinal);
        Assert.Contains("Kubernetes:Server must be an absolute http or https URL", badServer, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_take_the_namespace_from_configuration_then_the_service_account_then_the_kubeconfig()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "mlops-system\n");
            var fromKubeconfig = new k8s.KubernetesClientConfiguration { Namespace = "from-context" };

            Assert.Equal("configured", KubernetesConnection.DefaultNamespace(new KubernetesClientOptions { Namespace = "configured" }, fromKubeconfig, file));
            if (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 })
                return;
            Assert.Equal("mlops-system", KubernetesConnection.DefaultNamespace(new KubernetesClientOptions(), fromKubeconfig, file));
            Assert.Equal("from-context", KubernetesConnection.DefaultNamespace(new KubernetesClientOptions(), fromKubeconfig, "/nowhere/namespace"));
            Assert.Equal("default", KubernetesConnection.DefaultNamespace(new KubernetesClientOptions(), new k8s.KubernetesClientConfiguration(), "/nowhere/namespace"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Should_connect_with_a_kubeconfig_and_its_context_namespace()
    {
        await using var server = await RecordedServer.StartAsync((http, _) =>
        {
            http.Response.StatusCode = 404;
            http.Response.ContentType = "application/json";
            return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(http.Response, KubernetesStatusBodies.Failure(404, "NotFound", "secrets \"anything\" not found"));
        });
        var kubeconfig = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(kubeconfig, $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: sandbox
                  cluster:
                    server: {server.Url}
                contexts:
                - name: homelab
                  context:
                    cluster: sandbox
                    user: me
                    namespace: mlflow
                current-context: homelab
                users:
                - name: me
                  user:
                    token: kubeconfig-token
                """);
            await using var host = await ClientHost.StartAsync(new Dictionary<string, string?> { ["Kubernetes:Kubeconfig"] = kubeconfig }, b => b.AddKubernetesClient());

            var client = host.Get<IKubernetesClient>();

            Assert.Equal(Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } pod ? pod : "mlflow", client.DefaultNamespace);
            Assert.Null(await client.GetAsync<k8s.Models.V1Secret>("anything"));
            Assert.Equal("Bearer kubeconfig-token", server.Requests.Single().Authorization);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
