using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Sandbox.Hosting;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Paged lists, bookmarks and watch timeouts behave as the API server's, so clients' relist and rewatch paths are exercised.</summary>
public sealed class ListAndWatchTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Client => sandbox.Client;

    private async Task<string> ConfigMapsAsync(int count)
    {
        var ns = await sandbox.NewNamespaceAsync();
        for (var i = 0; i < count; i++)
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"c{i:00}" } }, ns);
        return ns;
    }

    [Fact]
    public async Task Should_page_a_list_with_limit_and_continue_consistently_at_the_first_pages_version()
    {
        var ns = await ConfigMapsAsync(5);

        var first = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c99" } }, ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("c03", ns);
        var second = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: first.Metadata.ContinueProperty);
        var third = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: second.Metadata.ContinueProperty);

        Assert.Equal(["c00", "c01"], first.Items.Select(c => c.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        Assert.Equal(["c02", "c03"], second.Items.Select(c => c.Metadata.Name));
        Assert.Equal(["c04"], third.Items.Select(c => c.Metadata.Name));
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(first.Metadata.ResourceVersion, third.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Should_answer_410_Expired_with_a_fresh_token_for_a_continue_whose_snapshot_is_gone()
    {
        await using var small = await SandboxHost.StartAsync(KubernetesSandbox.FastSettings(watchHistory: 5));
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = small.Kubernetes.Url.ToString().TrimEnd('/') });
        for (var i = 0; i < 4; i++)
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"c{i}" } }, "default");
        var first = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2);
        for (var i = 0; i < 10; i++)
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"later{i}" } }, "default");

        var expired = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty));
        var status = KubernetesJson.Deserialize<V1Status>(expired.Response.Content);
        var inconsistent = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 100, continueParameter: status.Metadata.ContinueProperty);

        Assert.Equal(HttpStatusCode.Gone, expired.Response.StatusCode);
        Assert.Equal(("Expired", 410), (status.Reason, status.Code ?? 0));
        Assert.StartsWith("The provided continue parameter is too old to display a consistent list result.", status.Message);
        Assert.Equal(["c2", "c3"], inconsistent.Items.Select(c => c.Metadata.Name).Where(n => n.StartsWith('c')));
    }

    [Fact]
    public async Task Should_send_bookmarks_with_only_a_resource_version_when_asked()
    {
        var ns = await ConfigMapsAsync(1);
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        using var http = new HttpClient { BaseAddress = sandbox.Host.Kubernetes.Url };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using var response = await http.GetAsync($"api/v1/namespaces/{ns}/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={list.Metadata.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var line = await reader.ReadLineAsync(deadline.Token);
        using var bookmark = JsonDocument.Parse(line!);

        var root = bookmark.RootElement;
        Assert.Equal("BOOKMARK", root.GetProperty("type").GetString());
        var obj = root.GetProperty("object");
        Assert.Equal(("ConfigMap", "v1"), (obj.GetProperty("kind").GetString(), obj.GetProperty("apiVersion").GetString()));
        Assert.True(long.Parse(obj.GetProperty("metadata").GetProperty("resourceVersion").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= long.Parse(list.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(obj.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Should_end_a_watch_after_timeoutSeconds_and_without_one_after_the_servers_own_timeout()
    {
        await using var quick = await SandboxHost.StartAsync(new Dictionary<string, string?>(KubernetesSandbox.FastSettings()) { ["Sandbox:Kubernetes:WatchTimeout"] = "00:00:01" });
        using var http = new HttpClient { BaseAddress = quick.Kubernetes.Url };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var version = quick.Kubernetes.Registry.Store.CurrentVersion;

        // A quiet watch ends with an empty body when its time is up; the client watches again from its last version.
        var explicitBody = await http.GetStringAsync($"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={version}&timeoutSeconds=1", deadline.Token);
        var serverBody = await http.GetStringAsync($"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={version}", deadline.Token);
        var withBookmarks = await http.GetStringAsync($"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={version}&allowWatchBookmarks=true&timeoutSeconds=1", deadline.Token);

        Assert.False(deadline.IsCancellationRequested);
        Assert.Equal(("", ""), (explicitBody, serverBody));
        Assert.All(withBookmarks.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains("\"type\":\"BOOKMARK\"", line));
        Assert.NotEmpty(withBookmarks);
    }

    [Fact]
    public async Task Should_send_initial_events_then_a_bookmark_that_marks_their_end()
    {
        var ns = await ConfigMapsAsync(2);
        using var http = new HttpClient { BaseAddress = sandbox.Host.Kubernetes.Url };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using var response = await http.GetAsync($"api/v1/namespaces/{ns}/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var lines = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
            lines.Add(JsonDocument.Parse((await reader.ReadLineAsync(deadline.Token))!).RootElement.Clone());

        Assert.Equal(["ADDED", "ADDED", "BOOKMARK"], lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal("true", lines[2].GetProperty("object").GetProperty("metadata").GetProperty("annotations").GetProperty("k8s.io/initial-events-end").GetString());
    }
}
