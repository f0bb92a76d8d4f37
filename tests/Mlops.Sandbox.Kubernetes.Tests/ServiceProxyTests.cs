using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>The API server's service proxy reaches a ready pod behind a Service, and answers 503 or 404 as the real one does.</summary>
public sealed class ServiceProxyTests : IClassFixture<KubernetesSandbox>
{
    private const string Echo = "sandbox.test/echo:1";
    private readonly KubernetesSandbox _sandbox;

    public ServiceProxyTests(KubernetesSandbox sandbox)
    {
        _sandbox = sandbox;
        if (!sandbox.Host.Context.ContainerPrograms.OfType<ScriptedProgram>().Any(p => p.Image == Echo))
        {
            // Answers on 8080 what it was asked: method, path and query, content type and body; /ping answers pong.
            sandbox.Program(Echo, launch => new ScriptedProcess(launch, [], request => request.Port != 8080 ? null
                : request.PathAndQuery == "/ping" ? ScriptedProcess.Text(200, "pong")
                : request.PathAndQuery == "/ready" ? ScriptedProcess.Text(503, "not ready")
                : new ContainerResponse(201, "application/json",
                    Encoding.UTF8.GetBytes($$"""{"pod":"{{launch.PodName}}","request":"{{request.Method}} {{request.PathAndQuery}}","contentType":"{{request.ContentType}}","body":{{Encoding.UTF8.GetString(request.Body.Span)}}}"""))));
        }
    }

    private IKubernetes Client => _sandbox.Client;

    private async Task<string> ServeAsync(string image, bool ready = true)
    {
        var ns = await _sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("echo", image);
        deployment.Spec.Template.Spec.Containers[0].Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }];
        if (!ready)
            deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = "http" }, PeriodSeconds = 10 };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "echo" },
            Spec = new V1ServiceSpec
            {
                Selector = new Dictionary<string, string> { ["app"] = "mlflow-model-server", ["model"] = "echo" },
                Ports = [new V1ServicePort { Name = "web", Port = 80, TargetPort = "http" }],
            },
        }, ns);
        if (ready)
            await Eventually.HoldsAsync(async () => (await Client.AppsV1.ReadNamespacedDeploymentAsync("echo", ns)).Status?.AvailableReplicas == 1, "the echo server is available");
        else
            await Eventually.HoldsAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Any(p => p.Status?.Phase == "Running"), "the echo server runs");
        return ns;
    }

    [Fact]
    public async Task Should_reach_a_ready_pod_through_kubectl_get_raw_by_port_number_and_by_port_name()
    {
        var ns = await ServeAsync(Echo);

        var byNumber = (await _sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/echo:80/proxy/ping")).Succeeded();
        var byName = (await _sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/http:echo:web/proxy/ping")).Succeeded();

        Assert.Equal("pong", byNumber.Output);
        Assert.Equal("pong", byName.Output);
    }

    [Fact]
    public async Task Should_forward_method_path_query_content_type_and_body_and_return_the_answer()
    {
        var ns = await ServeAsync(Echo);
        using var http = new HttpClient { BaseAddress = _sandbox.Host.Kubernetes.Url };

        using var response = await http.PostAsync($"api/v1/namespaces/{ns}/services/echo:80/proxy/invocations?format=split",
            new StringContent("""{"inputs":[1,2]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"request\":\"POST /invocations?format=split\"", body);
        Assert.Contains("\"contentType\":\"application/json; charset=utf-8\"", body);
        Assert.Contains("\"body\":{\"inputs\":[1,2]}", body);
    }

    [Fact]
    public async Task Should_answer_503_when_no_pod_behind_the_service_is_ready()
    {
        var ns = await ServeAsync(Echo, ready: false);
        using var http = new HttpClient { BaseAddress = _sandbox.Host.Kubernetes.Url };

        var refused = await _sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/echo:80/proxy/ping");
        using var response = await http.GetAsync($"api/v1/namespaces/{ns}/services/echo:80/proxy/ping");
        var status = KubernetesJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync());

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("no endpoints available for service \"echo\"", refused.Error);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(("ServiceUnavailable", 503, "no endpoints available for service \"echo\""), (status.Reason, status.Code ?? 0, status.Message));
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_service_and_503_for_a_port_it_does_not_have()
    {
        var ns = await ServeAsync(Echo);
        using var http = new HttpClient { BaseAddress = _sandbox.Host.Kubernetes.Url };

        using var unknown = await http.GetAsync($"api/v1/namespaces/{ns}/services/absent:80/proxy/ping");
        using var wrongPort = await http.GetAsync($"api/v1/namespaces/{ns}/services/echo:9999/proxy/ping");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("services \"absent\" not found", KubernetesJson.Deserialize<V1Status>(await unknown.Content.ReadAsStringAsync()).Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, wrongPort.StatusCode);
        Assert.Equal("no service port 9999 found for service \"echo\"", KubernetesJson.Deserialize<V1Status>(await wrongPort.Content.ReadAsStringAsync()).Message);
    }

    [Fact]
    public async Task Should_give_in_cluster_resolvers_the_ready_endpoint_of_a_service()
    {
        var ns = await ServeAsync(Echo);
        var services = _sandbox.Host.Context.ClusterServices!;

        var endpoint = services.ReadyEndpoint(ns, "echo", 80);
        var answer = await endpoint!.Value.Process.HandleAsync(new ContainerRequest(endpoint.Value.ContainerPort, "GET", "/ping", null, ReadOnlyMemory<byte>.Empty), CancellationToken.None);

        Assert.True(services.Exposes(ns, "echo", 80));
        Assert.False(services.Exposes(ns, "echo", 81));
        Assert.Equal(8080, endpoint.Value.ContainerPort);
        Assert.Equal("pong", Encoding.UTF8.GetString(answer!.Body.Span));
        Assert.Null(services.ReadyEndpoint(ns, "absent", 80));
    }
}
