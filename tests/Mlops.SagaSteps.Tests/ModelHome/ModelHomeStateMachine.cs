using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MassTransit;
using Minio;
using Minio.DataModel.Args;
using Mlops.Contracts;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>
/// Prepares a model home in three steps, one outside system each: MLflow through Refit (the model must be registered),
/// MinIO through the Minio SDK (its MLmodel must be there), Kubernetes through KubernetesClient (a ConfigMap records both).
/// </summary>
public sealed class ModelHomeStateMachine : MassTransitStateMachine<ModelHomeState>
{
    public ModelHomeStateMachine(ModelHomeTimings timings)
    {
        InstanceState(x => x.CurrentState);
        Event(() => Prepare, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Replay, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });

        var findModel = new SagaStep<ModelHomeState>("find-model", FindModelAsync) { Deadline = timings.StepDeadline };
        var findArtifact = new SagaStep<ModelHomeState>("find-artifact", FindArtifactAsync) { Deadline = timings.StepDeadline };
        var recordHome = new SagaStep<ModelHomeState>("record-home", RecordHomeAsync) { Deadline = timings.StepDeadline };

        this.UseSagaSteps(Failed, (context, failure) => context.Publish(new ModelHomeFailed
        {
            FlowId = context.Saga.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            CorrelationId = context.Saga.CorrelationId,
            Step = failure.Step,
            Reason = failure.Reason,
        }));

        Initially(
            When(Prepare)
                .Then(context =>
                {
                    context.Saga.FlowId = context.Message.FlowId;
                    context.Saga.ModelName = context.Message.ModelName;
                    context.Saga.Bucket = context.Message.Bucket;
                    context.Saga.Namespace = context.Message.Namespace;
                })
                .TransitionTo(FindingModel));

        // A step on entering a state, and steps chained through their continuations.
        During(FindingModel,
            When(FindingModel.Enter).Step(findModel, then => then.TransitionTo(FindingArtifact)));
        During(FindingArtifact,
            When(FindingArtifact.Enter).Step(findArtifact, then => then.TransitionTo(Recording)));
        During(Recording,
            When(Recording.Enter).Step(recordHome, then => then
                .TransitionTo(Ready)
                .Publish(context => new ModelHomeReady
                {
                    FlowId = context.Saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    CorrelationId = context.Saga.CorrelationId,
                    ConfigMap = context.Saga.ConfigMap!,
                })));

        DuringAny(
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());
    }

    public State FindingModel { get; private set; } = null!;
    public State FindingArtifact { get; private set; } = null!;
    public State Recording { get; private set; } = null!;
    public State Ready { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<PrepareModelHome> Prepare { get; private set; } = null!;
    public Event<SagaStepRetryDue<ModelHomeState>> StepRetryDue { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;

    /// <summary>The MLmodel file the artifact step looks for.</summary>
    public static string ArtifactKey(string modelName) => $"{modelName}/model/MLmodel";

    public static string ConfigMapName(string modelName) => $"model-home-{modelName}";

    private static async Task FindModelAsync(SagaStepContext<ModelHomeState> step)
    {
        var model = await step.GetRequiredService<IMlflowModelsApi>().GetRegisteredModelAsync(step.Saga.ModelName, step.CancellationToken);
        step.Saga.ModelCreatedAt = model.GetProperty("registered_model").GetProperty("creation_timestamp").GetInt64();
    }

    private static async Task FindArtifactAsync(SagaStepContext<ModelHomeState> step)
    {
        var stat = await step.GetRequiredService<IMinioClient>().StatObjectAsync(
            new StatObjectArgs().WithBucket(step.Saga.Bucket).WithObject(ArtifactKey(step.Saga.ModelName)), step.CancellationToken);
        step.Saga.ArtifactETag = stat.ETag;
    }

    private static async Task RecordHomeAsync(SagaStepContext<ModelHomeState> step)
    {
        var name = ConfigMapName(step.Saga.ModelName);
        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name },
            Data = new Dictionary<string, string>
            {
                ["model"] = step.Saga.ModelName,
                ["artifact-etag"] = step.Saga.ArtifactETag ?? "",
            },
        };
        try
        {
            await step.GetRequiredService<IKubernetes>().CoreV1.CreateNamespacedConfigMapAsync(map, step.Saga.Namespace, cancellationToken: step.CancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && ex.Response.Content.Contains("AlreadyExists", StringComparison.Ordinal))
        {
            // Created by an earlier attempt whose answer was lost: the step is done.
        }
        step.Saga.ConfigMap = name;
    }
}
