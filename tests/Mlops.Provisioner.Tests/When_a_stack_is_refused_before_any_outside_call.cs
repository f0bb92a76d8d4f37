using Mlops.Contracts;
using Mlops.Provisioner.Steps;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>Bad input and namespaces the chart did not make are refused with the reason, before Kubernetes, MinIO or MLflow is called.</summary>
public sealed class When_a_stack_is_refused_before_any_outside_call : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync();

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_fail_at_the_namespaces_step_naming_the_chart_value_for_a_namespace_it_may_not_work_in()
    {
        var homelab = ProvisionerTestbed.StackFromFile();
        var stack = homelab with
        {
            ExtraNamespaces = [new NamespaceSpec { Name = "team-a", Credentials = new StackCredentials { SecretName = "minio-credentials" } }],
        };
        _testbed.Sandbox.Requests.Clear();
        await _testbed.ProvisionAsync(stack);

        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("namespaces", failed.Step);
        Assert.Contains("namespace team-a is not one the Provisioner works in (Provisioner:Namespaces: mlflow, minio)", failed.Reason);
        Assert.Contains(NamespacesStep.ChartValue, failed.Reason);
        Assert.Empty(_testbed.Requests());
    }

    [Fact]
    public async Task Should_reject_bad_names_and_event_names_with_every_reason_in_the_failure_event_and_the_log()
    {
        var homelab = ProvisionerTestbed.StackFromFile();
        var stack = homelab with
        {
            Buckets = [new BucketSpec { Name = "Artifacts_2024", Notifications = [new BucketNotificationSpec { Events = ["s3:ObjectMade"], Suffix = "MLmodel" }] }],
            ArtifactBucket = "Artifacts_2024",
            Secrets = [.. homelab.Secrets, new SecretSpec { Name = "Bad_Name" }],
        };
        _testbed.Sandbox.Requests.Clear();
        await _testbed.ProvisionAsync(stack);

        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("validate", failed.Step);
        Assert.StartsWith("the stack is not valid: ", failed.Reason);
        Assert.Contains("secrets[2].name 'Bad_Name' must be a DNS-1123 subdomain", failed.Reason);
        Assert.Contains("buckets[0].name 'Artifacts_2024'", failed.Reason);
        Assert.Contains("buckets[0].notifications[0].events[0] 's3:ObjectMade' is not a MinIO event name", _testbed.Host.Logs.Entries.Select(e => e.Message).Single(m => m.Contains("refused before any outside call", StringComparison.Ordinal)));
        Assert.Empty(_testbed.Requests());
        var (_, saga) = await _testbed.InStateAsync("homelab", "Failed");
        Assert.Equal("Validating", saga.FailedStep!.State);
    }

    [Fact]
    public async Task Should_reject_a_suffix_filter_without_the_events_it_filters()
    {
        var stack = ProvisionerTestbed.StackFromFile() with
        {
            Buckets = [new BucketSpec { Name = "mlflow", Notifications = [new BucketNotificationSpec { Events = [], Suffix = "MLmodel" }] }],
        };
        await _testbed.ProvisionAsync(stack);

        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Contains("buckets[0].notifications[0].events is required: a prefix or suffix filter needs the events it filters", failed.Reason);
        Assert.DoesNotContain(_testbed.Requests(), r => r.StandIn == "s3");
    }

    [Fact]
    public async Task Should_send_a_ProvisionStack_without_a_stack_name_to_the_error_queue_as_malformed()
    {
        _testbed.Sandbox.Requests.Clear();
        await _testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile() with { StackName = "" });

        await Eventually.HoldsAsync(async () => (await _testbed.Vhost.ListAsync("queues"))
            .Any(q => q.GetProperty("name").GetString() == "provisioner-stack-state_error" && q.GetProperty("messages").GetInt32() == 1), "the message in the error queue");
        Assert.Empty(_testbed.Requests());
    }
}
