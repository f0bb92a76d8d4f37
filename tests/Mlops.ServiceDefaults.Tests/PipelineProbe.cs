using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.ServiceDefaults.Tests;

/// <summary>
/// Consumers registered the way a service registers its own, to watch the endpoint pipeline work:
/// what is retried, what goes to the error queue at once, and what a failed message publishes.
/// </summary>
public static class PipelineProbe
{
    /// <summary>Attempts per consumer and message, by FlowId.</summary>
    public static readonly ConcurrentDictionary<(string Consumer, Guid FlowId), int> Attempts = new();

    public static int Count(string consumer, Guid flowId) => Attempts.GetValueOrDefault((consumer, flowId));

    private static int Attempt(string consumer, Guid flowId) => Attempts.AddOrUpdate((consumer, flowId), 1, (_, n) => n + 1);

    /// <summary>Fails twice with a timeout, as a dependency having a bad moment would, then succeeds.</summary>
    public sealed class FlakyDependencyConsumer : IConsumer<SecretsReady>
    {
        public Task Consume(ConsumeContext<SecretsReady> context) =>
            Attempt(nameof(FlakyDependencyConsumer), context.Message.FlowId) <= 2
                ? throw new TimeoutException("the dependency did not answer in time")
                : Task.CompletedTask;
    }

    /// <summary>Publishes an event, then finds the input bad: the event must never leave.</summary>
    public sealed class BadInputConsumer : IConsumer<StackProvisioningFailed>
    {
        public async Task Consume(ConsumeContext<StackProvisioningFailed> context)
        {
            Attempt(nameof(BadInputConsumer), context.Message.FlowId);
            await context.Publish(new StackReady
            {
                FlowId = context.Message.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = context.Message.StackName,
                Namespace = "mlops",
                MlflowTrackingUri = "http://mlflow:5000",
                MinioEndpoint = "http://minio:9000",
                ArtifactBucket = "mlflow",
                Credentials = new StackCredentials { SecretName = "minio-credentials" },
                MinioExchange = "mlops-minio-events",
            });
            throw new FormatException($"stack name '{context.Message.StackName}' is not a DNS-1123 label");
        }
    }
}
