using Mlops.Contracts;
using Mlops.Provisioner.Steps;
using Mlops.Provisioner.Tests.Testbed;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// The Provisioner as the chart deploys it: its ServiceAccount's token, Roles only in the namespaces the chart made.
/// The Roles' rules are enough for the homelab stack; a namespace without the Role fails the first step, naming the chart value.
/// </summary>
public sealed class When_the_Provisioner_works_with_the_chart_s_Roles : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync()
    {
        _testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions { Namespaces = ["mlflow", "minio", "team-a"] }, startHost: false);
        var token = await ChartRbac.GrantAsync(_testbed.Kubernetes, ["mlflow", "minio"]);
        _testbed.Settings["Kubernetes:Token"] = token;
        // The configuration allows team-a, but the chart made no Role there (it was added by hand, not through the chart value).
        _testbed.Settings["Provisioner:Namespaces:0"] = "mlflow";
        _testbed.Settings["Provisioner:Namespaces:1"] = "minio";
        _testbed.Settings["Provisioner:Namespaces:2"] = "team-a";
        await _testbed.StartHostAsync();
    }

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_provision_the_homelab_stack_with_nothing_but_the_Roles_rules()
    {
        await _testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());

        await _testbed.EventAsync<StackReady>();
        var requests = _testbed.Requests("kubernetes").Where(r => r.Namespace == "mlflow").ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.InRange(r.StatusCode ?? 0, 200, 404));
    }

    [Fact]
    public async Task Should_fail_at_the_namespaces_step_naming_the_chart_value_when_a_namespace_has_no_Role()
    {
        var homelab = ProvisionerTestbed.StackFromFile();
        _testbed.Sandbox.Requests.Clear();
        await _testbed.ProvisionAsync(homelab with
        {
            ExtraNamespaces = [new NamespaceSpec { Name = "team-a", Credentials = new StackCredentials { SecretName = "minio-credentials" } }],
        });

        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("namespaces", failed.Step);
        Assert.StartsWith($"the Provisioner may not work in namespace team-a: add team-a to the chart value {NamespacesStep.ChartValue}, " +
                          "so the chart creates the Provisioner's Role there (listing secrets there was refused: secrets is forbidden: " +
                          "User \"system:serviceaccount:mlops:provisioner\" cannot list resource \"secrets\"", failed.Reason);
        Assert.DoesNotContain(_testbed.Requests(), ProvisionerTestbed.IsWrite);
    }
}
