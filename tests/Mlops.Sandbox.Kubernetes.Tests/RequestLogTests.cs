using System.Net.Http.Json;
using System.Text.Json;
using k8s;
using k8s.Models;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>The request log records what clients asked, in order, so tests can prove ordering and counts.</summary>
public sealed class RequestLogTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    [Fact]
    public async Task Requests_are_logged_in_order_with_verb_resource_namespace_name_and_user_agent()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await sandbox.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "minio-credentials" } }, ns);
        await sandbox.Client.CoreV1.ReadNamespacedSecretAsync("minio-credentials", ns);
        await sandbox.Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("train", "python:3.11"), ns);
        (await sandbox.Kubectl.RunAsync("get", "jobs", "-n", ns)).Succeeded();

        var log = sandbox.Host.Requests.Snapshot("kubernetes").Where(r => r.Namespace == ns).ToList();

        Assert.Equal(
            ["create /secrets ", "get /secrets minio-credentials", "create batch/jobs ", "list batch/jobs "],
            log.Select(r => $"{r.Verb} {r.Group}/{r.Resource} {r.Name}"));
        Assert.All(log, r => Assert.Equal(r.Verb == "create" ? 201 : 200, r.StatusCode));
        Assert.Contains("kubectl", log[^1].UserAgent);
        Assert.DoesNotContain("kubectl", log[0].UserAgent);
        Assert.Equal(log.Select(r => r.Sequence).Order(), log.Select(r => r.Sequence));
    }

    [Fact]
    public async Task The_control_endpoint_serves_the_log()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await sandbox.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        using var control = new HttpClient { BaseAddress = sandbox.Host.UrlOf("control") };

        var log = await control.GetFromJsonAsync<JsonElement[]>("requests?standIn=kubernetes");

        Assert.Contains(log!, r => r.GetProperty("verb").GetString() == "list" && r.GetProperty("resource").GetString() == "configmaps" && r.GetProperty("namespace").GetString() == ns);
    }
}
