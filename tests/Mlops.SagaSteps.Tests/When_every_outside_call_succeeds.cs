using k8s;
using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>Three steps, three outside systems, all answering: the chain runs through every continuation to the end.</summary>
public sealed class When_every_outside_call_succeeds(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_run_each_step_once_and_end_ready_with_what_the_steps_found()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync();
        await host.PublishAsync(command);

        var (record, saga) = await host.InStateAsync(command.CorrelationId, "Ready");
        Assert.NotNull(saga.ModelCreatedAt);
        Assert.False(string.IsNullOrEmpty(saga.ArtifactETag));
        Assert.Equal($"model-home-{command.ModelName}", saga.ConfigMap);
        Assert.Null(saga.PendingStep);
        Assert.Null(saga.FailedStep);
        Assert.Null(record.DeadlineAt);

        await Eventually.HoldsAsync(() => host.Events.Ready.Any(e => e.CorrelationId == command.CorrelationId), "ModelHomeReady published");
        var map = await sandbox.Kubernetes.CoreV1.ReadNamespacedConfigMapAsync(saga.ConfigMap!, command.Namespace);
        Assert.Equal(saga.ArtifactETag, map.Data["artifact-etag"]);

        var history = await host.HistoryAsync(command.CorrelationId);
        Assert.Equal([("PrepareModelHome", "Ready")], history.Select(h => (h.Event, h.ToState!)));
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
    }
}
