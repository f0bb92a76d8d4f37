using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;

namespace Mlops.Provisioner.Tests;

/// <summary>A stack that is ready, provisioned again with the same description: every step verifies, none writes, the same events follow.</summary>
public sealed class When_a_ready_stack_is_provisioned_again : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync();

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_write_nothing_and_announce_the_same_events_and_StackReady_again()
    {
        var stack = ProvisionerTestbed.StackFromFile();
        await _testbed.ProvisionAsync(stack);
        await _testbed.EventAsync<StackReady>();
        var first = _testbed.Events.Lines.ToList();
        var deliveries = _testbed.Receiver.Deliveries.Count;
        _testbed.Sandbox.Requests.Clear();

        await _testbed.ProvisionAsync(stack);
        await _testbed.EventAsync<StackReady>(2);

        Assert.Equal([.. first, .. first], _testbed.Events.Lines);
        var requests = _testbed.Requests();
        Assert.NotEmpty(requests);
        Assert.Empty(requests.Where(ProvisionerTestbed.IsWrite).Select(r => r.ToString()));
        Assert.Equal(deliveries, _testbed.Receiver.Deliveries.Count);
        var (_, saga) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.Empty(saga.Changes);
    }

    [Fact]
    public async Task Should_run_only_the_named_steps_and_verify_the_rest()
    {
        var stack = ProvisionerTestbed.StackFromFile();
        await _testbed.ProvisionAsync(stack);
        await _testbed.EventAsync<StackReady>();
        await _testbed.Sandbox.Minio.RemoveAllBucketNotificationsAsync(new Minio.DataModel.Args.RemoveAllBucketNotificationsArgs().WithBucket("mlflow"));

        // Only the buckets: the missing notification is found by verification, not put back.
        await _testbed.ProvisionAsync(stack with { Only = ["buckets"] });
        var (_, failed) = await _testbed.InStateAsync("homelab", "Failed");
        Assert.Equal("notifications", failed.FailedStep!.Step);
        Assert.Contains("bucket mlflow: the notification to arn:minio:sqs::MLOPS:amqp was missing", failed.FailedStep.Reason);
        Assert.Contains("only: [notifications]", failed.FailedStep.Reason);

        // Only the notifications: put back, and the stack is ready again.
        _testbed.Sandbox.Requests.Clear();
        await _testbed.ProvisionAsync(stack with { Only = ["notifications"] });
        var (_, ready) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.Equal(["bucket mlflow: notification to arn:minio:sqs::MLOPS:amqp set"], ready.Changes.Select(c => c.Description));
        Assert.Equal(["s3 put mlflow notification"], _testbed.Requests().Where(ProvisionerTestbed.IsWrite).Select(r => $"{r.StandIn} {r.Verb} {r.Namespace} {r.Resource}"));
    }
}
