using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>A 404 or 422 does not heal: the step fails at once, the message is acknowledged and the saga moves to Failed with the reason.</summary>
public sealed class When_an_outside_system_refuses_the_request(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_fail_at_once_when_MLflow_does_not_know_the_model()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync(registered: false);
        await host.PublishAsync(command);
        await AssertFailedAsync(host, command.CorrelationId, "find-model", "FindingModel", 404, "HTTP 404 from MLflow (RESOURCE_DOES_NOT_EXIST)");
    }

    [Fact]
    public async Task Should_fail_at_once_when_MinIO_has_no_artifact()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync(artifact: false);
        await host.PublishAsync(command);
        await AssertFailedAsync(host, command.CorrelationId, "find-artifact", "FindingArtifact", 404, "HTTP 404 from MinIO");
    }

    [Fact]
    public async Task Should_fail_at_once_when_the_Kubernetes_namespace_is_missing()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync(namespaceExists: false);
        await host.PublishAsync(command);
        await AssertFailedAsync(host, command.CorrelationId, "record-home", "Recording", 404, "HTTP 404 from Kubernetes (NotFound)");
    }

    [Fact]
    public async Task Should_fail_at_once_when_Kubernetes_finds_the_object_invalid()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        // MLflow takes the name; a ConfigMap name may not have an underscore.
        var command = await host.NewModelAsync(modelName: $"cnn_classifier_{Guid.NewGuid():N}"[..24]);
        await host.PublishAsync(command);
        await AssertFailedAsync(host, command.CorrelationId, "record-home", "Recording", 422, "HTTP 422 from Kubernetes (Invalid)");
    }

    private static async Task AssertFailedAsync(StepHost host, Guid correlationId, string step, string state, int status, string reasonStart)
    {
        var (record, saga) = await host.InStateAsync(correlationId, "Failed");
        var failure = saga.FailedStep!;
        Assert.Equal(step, failure.Step);
        Assert.Equal(state, failure.State);
        Assert.Equal(1, failure.Attempts);
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal("Permanent", failure.Kind);
        Assert.StartsWith(reasonStart, failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", failure.Reason, StringComparison.Ordinal);
        Assert.Null(saga.PendingStep);
        Assert.Null(record.DeadlineAt);

        var published = await Eventually.ReturnsAsync(() => Task.FromResult(host.Events.Failed.FirstOrDefault(e => e.CorrelationId == correlationId)),
            "ModelHomeFailed published");
        Assert.Equal(step, published.Step);
        Assert.Equal(failure.Reason, published.Reason);

        var history = await host.HistoryAsync(correlationId);
        Assert.Equal("Failed", history[^1].ToState);
        Assert.All(history, h => Assert.Null(h.Error));
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains($"Step {step} of ModelHomeState {correlationId} failed", StringComparison.Ordinal));
    }
}
