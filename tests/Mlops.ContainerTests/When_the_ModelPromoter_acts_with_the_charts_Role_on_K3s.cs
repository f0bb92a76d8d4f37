using System.Net;
using k8s.Autorest;
using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.Testing.Chart;

namespace Mlops.ContainerTests;

/// <summary>
/// The ModelPromoter's ServiceAccount bound, in each of its namespaces, to a Role built from the chart's own rule file
/// (files/rbac/model-promoter.yaml, the sqlite scenario): a real API server allows exactly what the rules grant.
/// </summary>
[Collection(K3sCollection.Name)]
public sealed class When_the_ModelPromoter_acts_with_the_charts_Role_on_K3s(K3sCluster cluster) : IAsyncLifetime
{
    private const string ServiceAccount = "mlops-model-promoter";

    /// <summary>Verbs a Role can name for a resource; what the rules leave out of these must be refused.</summary>
    private static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    private readonly ChartRole _role = ChartRole.For("modelPromoter", ChartValues.Load("ci/sqlite-values.yaml"));
    private string _releaseNamespace = "";
    private IKubernetesClient _promoter = null!;

    private string Serving => _role.Namespaces[0];

    public async Task InitializeAsync()
    {
        if (!DockerEngine.IsReachable)
            return;
        // The release's own namespace holds the ServiceAccount and is not one the Role is installed in.
        _releaseNamespace = await cluster.CreateNamespaceAsync("mlops");
        await cluster.Admin.CreateAsync(new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new V1ObjectMeta { Name = ServiceAccount, NamespaceProperty = _releaseNamespace } });
        var roleName = $"{ServiceAccount}-{_releaseNamespace}";
        foreach (var ns in _role.Namespaces)
        {
            await cluster.EnsureNamespaceAsync(ns);
            await cluster.Admin.CreateAsync(new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = new V1ObjectMeta { Name = roleName, NamespaceProperty = ns },
                Rules = _role.Rules.Select(r => r.ToPolicyRule()).ToList(),
            });
            await cluster.Admin.CreateAsync(new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "RoleBinding",
                Metadata = new V1ObjectMeta { Name = roleName, NamespaceProperty = ns },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = roleName },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = _releaseNamespace }],
            });
        }
        _promoter = await cluster.ClientForAsync(_releaseNamespace, ServiceAccount, defaultNamespace: Serving);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Should_read_a_Role_with_namespaces_and_rules_from_the_chart()
    {
        Assert.NotEmpty(_role.Namespaces);
        Assert.Contains(("apps", "deployments", "create"), _role.Grants());
    }

    [DockerFact]
    public async Task Should_allow_every_grant_of_the_rules_in_each_of_its_namespaces()
    {
        var refused = new List<string>();
        foreach (var ns in _role.Namespaces)
        {
            foreach (var (group, resource, verb) in _role.Grants())
            {
                if (!(await ReviewAsync(verb, resource, group, ns)).Allowed)
                    refused.Add($"{verb} {Describe(group, resource)} in {ns}");
            }
        }

        Assert.True(refused.Count == 0, $"refused: {string.Join("; ", refused)}");
    }

    [DockerFact]
    public async Task Should_refuse_every_verb_the_rules_leave_out_on_the_resources_they_name()
    {
        var grants = _role.Grants();
        var allowed = new List<string>();
        foreach (var (group, resource) in grants.Select(g => (g.Group, g.Resource)).Distinct())
        {
            foreach (var verb in Verbs.Where(v => !grants.Contains((group, resource, v))))
            {
                if ((await ReviewAsync(verb, resource, group, Serving)).Allowed)
                    allowed.Add($"{verb} {Describe(group, resource)}");
            }
        }

        Assert.True(allowed.Count == 0, $"allowed beyond the rules: {string.Join("; ", allowed)}");
    }

    [DockerFact]
    public async Task Should_write_and_watch_a_model_servers_Deployment_in_its_namespace()
    {
        var name = $"iris-{Guid.NewGuid().ToString("N")[..6]}";

        var created = await _promoter.ApplyAsync(ModelServerStandIn.Deployment(name, Serving, ContainerImages.ModelServerStandIn));

        Assert.Equal(name, created.Metadata.Name);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var first = await _promoter.WatchAsync<V1Deployment>(ModelServerStandIn.Selector(name), cancellationToken: timeout.Token).FirstAsync(timeout.Token);
        Assert.Equal((k8s.WatchEventType.Added, name), (first.Type, first.Object.Metadata.Name));
        Assert.NotNull(await _promoter.ListAsync<V1Pod>(ModelServerStandIn.Selector(name)));
        Assert.True(await _promoter.DeleteAsync<V1Deployment>(name));
    }

    [DockerFact]
    public async Task Should_be_Forbidden_to_read_Secrets()
    {
        var forbidden = await Assert.ThrowsAsync<HttpOperationException>(() => _promoter.GetAsync<V1Secret>("minio-credentials"));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode());
        Assert.False((await _promoter.CanListAsync<V1Secret>()).Allowed);
    }

    [DockerFact]
    public async Task Should_be_Forbidden_outside_the_namespaces_the_chart_gives_it()
    {
        var forbidden = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _promoter.ApplyAsync(ModelServerStandIn.Deployment("iris", _releaseNamespace, ContainerImages.ModelServerStandIn)));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode());
        Assert.False((await _promoter.CanListAsync<V1Deployment>(_releaseNamespace)).Allowed);
    }

    /// <summary>The API server's SelfSubjectAccessReview, as the promoter: <c>pods/log</c> is resource pods, subresource log.</summary>
    private Task<KubernetesAccess> ReviewAsync(string verb, string resource, string group, string ns)
    {
        var parts = resource.Split('/', 2);
        return _promoter.ReviewAccessAsync(verb, parts[0], group, parts.Length > 1 ? parts[1] : null, ns);
    }

    private static string Describe(string group, string resource) => group.Length == 0 ? resource : $"{group}/{resource}";
}
