using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Kubernetes.Models;
using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.Clients.Tests;

/// <summary>Every operation of the Kubernetes adapter against the sandbox's API server, with built-in and custom kinds.</summary>
public sealed class KubernetesClientTests(ClientsSandbox sandbox) : IClassFixture<ClientsSandbox>, IAsyncLifetime
{
    private ClientHost _host = null!;
    private string _ns = null!;

    private IKubernetesClient Client => _host.Get<IKubernetesClient>();

    public async Task InitializeAsync()
    {
        _ns = await sandbox.NewNamespaceAsync();
        _host = await ClientHost.StartAsync(sandbox.Settings(new Dictionary<string, string?> { ["Kubernetes:Namespace"] = _ns }), b => b.AddKubernetesClient());
    }

    public async Task DisposeAsync()
    {
        sandbox.Host.Faults.ClearAll();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Should_use_the_configured_namespace_when_a_call_names_none()
    {
        await Client.CreateAsync(KubernetesObjects.Secret("creds", "AWS_ACCESS_KEY_ID", "minio"));

        Assert.Equal(_ns, Client.DefaultNamespace);
        Assert.NotNull(await sandbox.Kubernetes.CoreV1.ReadNamespacedSecretAsync("creds", _ns));
    }

    [Fact]
    public async Task Should_create_get_and_list_by_label_a_built_in_kind()
    {
        var created = await Client.CreateAsync(KubernetesObjects.Deployment("serve-a"));
        await Client.CreateAsync(KubernetesObjects.Deployment("serve-b"));

        var read = await Client.GetAsync<V1Deployment>("serve-a");
        var listed = await Client.ListAsync<V1Deployment>("model=serve-b");
        var all = await Client.ListAsync<V1Deployment>("app=mlflow-model-server");

        Assert.Equal(created.Metadata.Uid, read!.Metadata.Uid);
        Assert.Equal("ghcr.io/mlflow/mlflow:v2.21.3", read.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal(["serve-b"], listed.Items.Select(d => d.Metadata.Name));
        Assert.Equal(["serve-a", "serve-b"], all.Items.Select(d => d.Metadata.Name).Order());
        Assert.False(string.IsNullOrEmpty(all.ResourceVersion));
    }

    [Fact]
    public async Task Should_answer_null_and_false_for_what_does_not_exist()
    {
        Assert.Null(await Client.GetAsync<V1Deployment>("nothing-here"));
        Assert.Null(await Client.GetAsync<SealedSecret>("nothing-here"));
        Assert.Null(await Client.GetAsync<V1Namespace>("no-such-namespace"));
        Assert.False(await Client.DeleteAsync<V1Secret>("nothing-here"));
        Assert.Empty((await Client.ListAsync<Workflow>()).Items);
    }

    [Fact]
    public async Task Should_surface_a_taken_name_on_create_as_already_exists()
    {
        await Client.CreateAsync(KubernetesObjects.Secret("claimed", "k", "first"));

        var taken = await Assert.ThrowsAsync<KubernetesAlreadyExistsException>(() => Client.CreateAsync(KubernetesObjects.Secret("claimed", "k", "second")));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, taken.StatusCode());
        Assert.Equal("AlreadyExists", taken.Reason());
        Assert.Contains("claimed", taken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("second", taken.Request?.Content ?? "", StringComparison.Ordinal);
        var kept = await sandbox.Kubernetes.CoreV1.ReadNamespacedSecretAsync("claimed", _ns);
        Assert.Equal("first", Encoding.UTF8.GetString(kept.Data["k"]));
    }

    [Fact]
    public async Task Should_replace_with_the_read_resource_version_and_surface_a_stale_one_as_conflict()
    {
        var created = await Client.CreateAsync(KubernetesObjects.Secret("rotating", "k", "v1"));
        var read = (await Client.GetAsync<V1Secret>("rotating"))!;
        read.Data = new Dictionary<string, byte[]> { ["k"] = Encoding.UTF8.GetBytes("v2") };

        var replaced = await Client.ReplaceAsync(read);
        created.Data = new Dictionary<string, byte[]> { ["k"] = Encoding.UTF8.GetBytes("stale") };
        var conflict = await Assert.ThrowsAsync<KubernetesConflictException>(() => Client.ReplaceAsync(created));

        Assert.Equal("v2", Encoding.UTF8.GetString(replaced.Data["k"]));
        Assert.Equal("Conflict", conflict.Reason());
        await Assert.ThrowsAsync<ArgumentException>(() => Client.ReplaceAsync(KubernetesObjects.Secret("rotating", "k", "no-version")));
    }

    [Fact]
    public async Task Should_apply_a_built_in_kind_by_creating_it_then_by_strategic_merge()
    {
        var first = await Client.ApplyAsync(KubernetesObjects.Deployment("applied", env: [KubernetesObjects.Env("A", "1"), KubernetesObjects.Env("B", "2")]));
        var second = await Client.ApplyAsync(KubernetesObjects.Deployment("applied", "ghcr.io/mlflow/mlflow:v3.1.0", KubernetesObjects.Env("B", "20"), KubernetesObjects.Env("C", "3")));

        var patches = sandbox.Host.Requests.Snapshot("kubernetes").Where(r => r.Namespace == _ns && r.Resource == "deployments" && r.Verb == "patch").ToList();
        Assert.Equal(first.Metadata.Uid, second.Metadata.Uid);
        Assert.Equal(2, second.Metadata.Generation);
        var container = second.Spec.Template.Spec.Containers.Single();
        Assert.Equal("ghcr.io/mlflow/mlflow:v3.1.0", container.Image);
        // Strategic merge merges env by name: A stays, B changes, C is added.
        Assert.Equal(["A=1", "B=20", "C=3"], container.Env.Select(e => $"{e.Name}={e.Value}"));
        Assert.Single(patches);
    }

    [Fact]
    public async Task Should_apply_custom_kinds_with_a_json_merge_patch_which_they_accept()
    {
        await Client.ApplyAsync(KubernetesObjects.SealedSecret("minio-credentials", new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = KubernetesObjects.Sealed("minio") }));
        var applied = await Client.ApplyAsync(KubernetesObjects.SealedSecret("minio-credentials", new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = KubernetesObjects.Sealed("minio"),
            ["AWS_SECRET_ACCESS_KEY"] = KubernetesObjects.Sealed("minio123"),
        }));
        var workflow = await Client.ApplyAsync(KubernetesObjects.Workflow("train"));
        var reapplied = await Client.ApplyAsync(KubernetesObjects.Workflow("train"));

        Assert.Equal(2, applied.Spec.EncryptedData.Count);
        Assert.Equal("Opaque", applied.Spec.Template?.Type);
        Assert.Equal(workflow.Metadata.Uid, reapplied.Metadata.Uid);
        Assert.Equal("5", reapplied.Spec.Arguments!.Parameters.Single().Value);
        var unsealed = await Eventually.ReturnsAsync(() => Client.GetAsync<V1Secret>("minio-credentials"), "the Secret unsealed from the SealedSecret");
        Assert.Equal("minio123", Encoding.UTF8.GetString(unsealed.Data["AWS_SECRET_ACCESS_KEY"]));
        var synced = await Eventually.ReturnsAsync(async () => (await Client.GetAsync<SealedSecret>("minio-credentials"))?.Status?.Synced, "the Synced condition");
        Assert.Equal("True", synced.Status);
    }

    [Fact]
    public async Task Should_read_a_custom_kind_s_status_as_its_controller_reports_it()
    {
        await Client.CreateAsync(KubernetesObjects.Workflow("phases"));

        var finished = await Eventually.ReturnsAsync(async () =>
            (await Client.GetAsync<Workflow>("phases")) is { Status.Phase: var phase } w && WorkflowPhase.IsFinal(phase) ? w : null, "the workflow to finish");

        Assert.Equal(WorkflowPhase.Succeeded, finished.Status!.Phase);
        Assert.NotNull(finished.Status.StartedAt);
        Assert.Equal("1/1", finished.Status.Progress);
        Assert.True(finished.Status.Other?.ContainsKey("nodes"));
    }

    [Fact]
    public async Task Should_delete_with_the_asked_propagation()
    {
        await Client.CreateAsync(KubernetesObjects.Deployment("doomed"));
        await Eventually.HoldsAsync(async () => (await Client.ListAsync<V1ReplicaSet>("model=doomed")).Items.Count == 1, "the deployment's replica set");

        Assert.True(await Client.DeleteAsync<V1Deployment>("doomed", DeletePropagation.Foreground));

        // Foreground: the Deployment stays (with its deletionTimestamp) until what it owns is gone, as on a cluster.
        await Eventually.HoldsAsync(async () => (await Client.ListAsync<V1ReplicaSet>("model=doomed")).Items.Count == 0, "the owned replica set to go");
        await Eventually.HoldsAsync(async () => await Client.GetAsync<V1Deployment>("doomed") is null, "the deployment to go after its replica set");
    }

    [Fact]
    public async Task Should_create_and_delete_cluster_scoped_kinds_without_a_namespace()
    {
        var name = $"c-{Guid.NewGuid():N}"[..14];

        var created = await Client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        var read = await Client.GetAsync<V1Namespace>(name);

        Assert.Equal(created.Metadata.Uid, read!.Metadata.Uid);
        Assert.True(await Client.DeleteAsync<V1Namespace>(name));
    }

    [Fact]
    public async Task Should_watch_from_a_list_s_resource_version_and_yield_typed_events()
    {
        var list = await Client.ListAsync<V1Deployment>("model=watched");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<KubernetesWatchEvent<V1Deployment>>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in Client.WatchAsync<V1Deployment>("model=watched", list.ResourceVersion, cancellationToken: deadline.Token))
            {
                events.Add(e);
                if (e.Type == WatchEventType.Deleted)
                    return;
            }
        });

        await Client.CreateAsync(KubernetesObjects.Deployment("watched"));
        await Eventually.HoldsAsync(async () => (await Client.GetAsync<V1Deployment>("watched"))?.Status?.AvailableReplicas == 1, "the rollout");
        await Client.DeleteAsync<V1Deployment>("watched");
        await watching;

        Assert.Equal(WatchEventType.Added, events[0].Type);
        Assert.Contains(events, e => e.Type == WatchEventType.Modified && e.Object.Status?.AvailableReplicas == 1);
        Assert.Equal(WatchEventType.Deleted, events[^1].Type);
        Assert.All(events, e => Assert.Equal("watched", e.Object.Metadata.Name));
        Assert.All(events.Where(e => e.Type != WatchEventType.Deleted), e => Assert.False(string.IsNullOrEmpty(e.ResourceVersion)));
    }

    [Fact]
    public async Task Should_watch_custom_kinds_typed()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var from = (await Client.ListAsync<Workflow>("app=training")).ResourceVersion;
        var phases = new List<string?>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in Client.WatchAsync<Workflow>("app=training", from, cancellationToken: deadline.Token))
            {
                phases.Add(e.Object.Status?.Phase);
                if (e.Object.Status?.Phase == WorkflowPhase.Succeeded)
                    return;
            }
        });

        await Client.CreateAsync(KubernetesObjects.Workflow("watched-train"));
        await watching;

        Assert.Equal([WorkflowPhase.Pending, WorkflowPhase.Running, WorkflowPhase.Succeeded], phases.Where(p => p is not null).Distinct());
    }

    [Fact]
    public async Task Should_prove_list_access_and_report_a_refusal_with_the_server_s_reason()
    {
        var allowed = await Client.CanListAsync<V1Secret>();
        sandbox.Host.Faults.Set("kubernetes", "bitnami.com", new FaultRule { ErrorRate = 1, StatusCodes = [403] });
        var refused = await Client.CanListAsync<SealedSecret>();

        Assert.True(allowed.Allowed);
        Assert.False(refused.Allowed);
        Assert.Contains("sandbox fault injection", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_let_the_api_server_s_validation_errors_through_unchanged()
    {
        var invalid = KubernetesObjects.Deployment("Not_A_Name");

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateAsync(invalid));

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, refused.StatusCode());
        Assert.Equal("Invalid", refused.Reason());
    }
}
