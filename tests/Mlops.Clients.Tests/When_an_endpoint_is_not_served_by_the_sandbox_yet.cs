using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Resilience;

namespace Mlops.Clients.Tests;

/// <summary>
/// Pod logs, the service proxy and SelfSubjectAccessReview against a recorded server answering as the API server does:
/// the requests the adapter sends (paths, parameters, token) and how it reads the answers.
/// </summary>
public sealed class When_an_endpoint_is_not_served_by_the_sandbox_yet : IAsyncLifetime
{
    private const string Token = "token-not-for-logs";
    private RecordedServer _server = null!;
    private ClientHost _host = null!;
    private string _tokenFile = null!;

    private IKubernetesClient Client => _host.Get<IKubernetesClient>();

    public async Task InitializeAsync()
    {
        _server = await RecordedServer.StartAsync(AnswerAsync);
        _tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_tokenFile, Token);
        _host = await ClientHost.StartAsync(new Dictionary<string, string?>
        {
            ["Kubernetes:Server"] = _server.Url.ToString(),
            ["Kubernetes:TokenFile"] = _tokenFile,
            ["Kubernetes:Namespace"] = "mlflow",
            ["Kubernetes:Resilience:RetryDelay"] = "00:00:00.010",
        }, b => b.AddKubernetesClient());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
        File.Delete(_tokenFile);
    }

    private static Task AnswerAsync(HttpContext http, RecordedRequest request)
    {
        var path = http.Request.Path.Value ?? "";
        if (path == "/api/v1/namespaces/mlflow/pods/server-abc/log")
            return Text(http, 200, "text/plain", "Traceback (most recent call last):\nbotocore.exceptions.ClientError: SignatureDoesNotMatch\n");
        if (path.EndsWith("/log", StringComparison.Ordinal))
            return Text(http, 404, "application/json", KubernetesStatusBodies.Failure(404, "NotFound", "pods \"gone\" not found"));
        if (path == "/api/v1/namespaces/mlflow/services/mlflow-model-cnn-classifier-server:5001/proxy/invocations")
            return Text(http, 200, "application/json", "{\"predictions\":[3]}");
        if (path.Contains("/proxy/", StringComparison.Ordinal))
            return Text(http, 503, "application/json", KubernetesStatusBodies.Failure(503, "ServiceUnavailable", "no endpoints available for service \"idle\""));
        if (path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        {
            var review = JsonNode.Parse(request.Body)!.AsObject();
            var verb = review["spec"]!["resourceAttributes"]!["verb"]!.GetValue<string>();
            review["status"] = verb == "create"
                ? new JsonObject { ["allowed"] = true }
                : new JsonObject { ["allowed"] = false, ["reason"] = "RBAC: no rule allows delete on namespaces" };
            return Text(http, 201, "application/json", review.ToJsonString());
        }
        return Text(http, 404, "application/json", KubernetesStatusBodies.Failure(404, "NotFound", "the server could not find the requested resource"));
    }

    private static Task Text(HttpContext http, int status, string contentType, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        return http.Response.WriteAsync(body);
    }

    [Fact]
    public async Task Should_read_a_previous_container_s_log_tail_with_the_bearer_token_from_the_file()
    {
        var log = await Client.ReadPodLogAsync("server-abc", new PodLogOptions { Container = "server", TailLines = 20, Previous = true });

        Assert.Contains("SignatureDoesNotMatch", log, StringComparison.Ordinal);
        var request = _server.Requests.Single();
        Assert.Equal("GET", request.Method);
        Assert.Contains("container=server", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("tailLines=20", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("previous=true", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("limitBytes=262144", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal($"Bearer {Token}", request.Authorization);
    }

    [Fact]
    public async Task Should_answer_null_for_the_log_of_a_pod_that_does_not_exist()
    {
        Assert.Null(await Client.ReadPodLogAsync("gone"));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Should_post_to_a_service_through_the_api_server_s_proxy()
    {
        using var body = new StringContent("{\"inputs\":[[0.1,0.2]]}", Encoding.UTF8, "application/json");

        var answer = await Client.PostToServiceAsync("mlflow-model-cnn-classifier-server", "5001", "/invocations", body);

        Assert.True(answer.IsSuccess);
        Assert.Equal("{\"predictions\":[3]}", answer.Body);
        var request = _server.Requests.Single();
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("{\"inputs\":[[0.1,0.2]]}", request.Body);
        Assert.Equal($"Bearer {Token}", request.Authorization);
    }

    [Fact]
    public async Task Should_hand_back_a_service_without_endpoints_as_503_without_opening_the_breaker()
    {
        for (var i = 0; i < 4; i++)
        {
            var answer = await Client.GetFromServiceAsync("idle", "http", "health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Contains("no endpoints available", answer.Body, StringComparison.Ordinal);
        }

        // Each call was tried 1 + 3 times, and the API server's own breaker stayed closed.
        Assert.Equal(16, _server.Requests.Count);
        Assert.Equal(0, CircuitStateReading.Read(_host.Services, OutsideSystem.Kubernetes));
    }

    [Fact]
    public async Task Should_refuse_a_proxied_path_that_leaves_the_service()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetFromServiceAsync("svc", "80", "../../secrets"));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetFromServiceAsync("Not_A_Service", "80", "health"));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Should_ask_the_api_server_whether_an_action_is_allowed()
    {
        var create = await Client.ReviewAccessAsync("create", "deployments", "apps");
        var delete = await Client.ReviewAccessAsync("delete", "namespaces", ns: "kube-system");

        Assert.True(create.Allowed);
        Assert.False(delete.Allowed);
        Assert.Equal("RBAC: no rule allows delete on namespaces", delete.Reason);
        var sent = _server.Requests.Select(r => JsonNode.Parse(r.Body)!["spec"]!["resourceAttributes"]!).ToList();
        Assert.Equal(["apps", "deployments", "mlflow"], new[] { sent[0]["group"]!.GetValue<string>(), sent[0]["resource"]!.GetValue<string>(), sent[0]["namespace"]!.GetValue<string>() });
        Assert.Equal("kube-system", sent[1]["namespace"]!.GetValue<string>());
    }
}
