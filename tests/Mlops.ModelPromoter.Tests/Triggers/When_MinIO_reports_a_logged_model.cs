using System.Text;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>
/// MinIO's bucket events (each delivered twice here): an MLmodel of a run promotes the run's versions once; other objects,
/// other buckets, removals and keys that leave MLflow's layout start nothing; a body that is not MinIO's goes to the error queue.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_MinIO_reports_a_logged_model(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_promote_from_the_fixture_MLmodel_message_and_start_nothing_for_the_other_object()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.ReadyVersionAsync(model);

        await BucketEvents.PublishAsync(sandbox, await BucketEvents.FixtureAsync("minio-other-object.json", "0", runId));
        await BucketEvents.PublishAsync(sandbox, await BucketEvents.FixtureAsync("minio-mlmodel-put.json", "0", runId));
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, version), "Promoted");

        Assert.Equal(PromotionTriggers.Minio, promotion.Trigger);
        Assert.Equal(source, Assert.Single(rig.Serving.For(model)).ArtifactLocation);
        Assert.Single(await rig.RolloutCompleteAsync(model, version));
        var run = RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, "0", runId);
        var history = await rig.SagaHistoryAsync<RunArtifactState>(run);
        Assert.Single(history, h => h.Event == nameof(RunArtifactLogged));
        Assert.Equal("Promoting", history[^1].ToState);
    }

    [Fact]
    public async Task Should_promote_what_train_py_registers_when_its_MLmodel_arrives_in_parts()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();

        await TrainingScript.RunAsync(sandbox, null, "--epochs", "2", "--registered-model-name", model, "--sandbox-multipart-mlmodel");
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, "1"), "Promoted");

        Assert.Equal(PromotionTriggers.Minio, promotion.Trigger);
        var serve = Assert.Single(rig.Serving.For(model));
        Assert.Equal($"s3://mlflow/0/{promotion.RunId}/artifacts/model", serve.ArtifactLocation);
        Assert.Equal(stack.StackName, serve.Stack.StackName);
    }

    [Fact]
    public async Task Should_promote_an_MLflow_3_logged_model_with_its_source_resolved_to_where_its_files_are()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        await rig.StackAsync();
        var model = RegistrySeed.NewModelName();

        await TrainingScript.RunAsync(sandbox, null, "--epochs", "2", "--registered-model-name", model, "--sandbox-logged-model");
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, "1"), "Promoted");

        Assert.StartsWith("models:/m-", promotion.Source, StringComparison.Ordinal);
        var modelId = promotion.Source!["models:/".Length..];
        Assert.Equal($"s3://mlflow/0/models/{modelId}/artifacts", Assert.Single(rig.Serving.For(model)).ArtifactLocation);
        await rig.WaitForSagaAsync<RunArtifactState>(RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, "0", modelId),
            (r, s) => r.State == "Promoting" && s.RunId == promotion.RunId, "the logged model resolved to its run");
    }

    [Fact]
    public async Task Should_leave_a_coordinator_run_to_the_coordinator_and_register_nothing()
    {
        var experiment = "exp-" + Guid.NewGuid().ToString("N")[..8];
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>
        {
            [$"ModelPromoter:Policies:Experiments:{experiment}"] = model,
            ["ModelPromoter:Runs:RegistrationGrace"] = "00:00:00",
        });
        await rig.StackAsync();
        var experimentId = await rig.Registry.ExperimentAsync(experiment);
        var (runId, _) = await rig.Registry.RunAsync(experimentId, new Dictionary<string, string> { ["mlops.training_id"] = Guid.NewGuid().ToString() });

        await BucketEvents.PutAsync(sandbox, $"{experimentId}/{runId}/artifacts/model/MLmodel");
        await rig.WaitForSagaAsync<RunArtifactState>(RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, experimentId, runId),
            (r, _) => r.State == "CoordinatorOwned", "the run left to the coordinator");

        Assert.Null(await rig.Registry.StatusAsync(model, "1"));
        Assert.Empty(rig.Serving.For(model));
    }

    [Fact]
    public async Task Should_register_a_run_of_an_experiment_the_policy_maps_to_a_model_and_promote_it()
    {
        var experiment = "laptop-" + Guid.NewGuid().ToString("N")[..8];
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>
        {
            [$"ModelPromoter:Policies:Experiments:{experiment}"] = model,
            ["ModelPromoter:Runs:RegistrationGrace"] = "00:00:00",
        });
        await rig.StackAsync();
        var experimentId = await rig.Registry.ExperimentAsync(experiment);
        var (runId, _) = await rig.Registry.RunAsync(experimentId);

        await BucketEvents.PutAsync(sandbox, $"{experimentId}/{runId}/artifacts/classifier/MLmodel");
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, "1"), "Promoted");

        Assert.Equal($"s3://mlflow/{experimentId}/{runId}/artifacts/classifier", promotion.Source);
        Assert.Equal(runId, promotion.RunId);
        var (_, run) = await rig.WaitForSagaAsync<RunArtifactState>(RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, experimentId, runId),
            (r, _) => r.State == "Promoting", "the run promoted");
        Assert.True(run.Registered);
        Assert.Null(await rig.Registry.StatusAsync(model, "2"));
    }

    [Fact]
    public async Task Should_stop_watching_a_run_nobody_registers_at_its_bound()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>
        {
            ["ModelPromoter:Runs:VersionWaitTimeout"] = "00:00:01",
            ["ModelPromoter:Runs:RegistrationGrace"] = "00:00:00",
            ["ModelPromoter:Runs:VersionPollInterval"] = "00:00:00.200",
        });
        await rig.StackAsync();
        var (runId, _) = await rig.Registry.RunAsync();

        await BucketEvents.PutAsync(sandbox, $"0/{runId}/artifacts/model/MLmodel");
        var (_, run) = await rig.WaitForSagaAsync<RunArtifactState>(RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, "0", runId),
            (r, _) => r.State == "NoVersion", "the wait for a version given up");

        Assert.Empty(run.Versions);
    }

    [Fact]
    public async Task Should_ignore_other_buckets_removals_and_keys_that_leave_the_layout_and_send_a_foreign_body_to_the_error_queue()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, _) = await rig.Registry.UnwatchedVersionAsync(model);
        var key = $"0/{runId}/artifacts/model/MLmodel";

        await BucketEvents.PublishAsync(sandbox, BucketEvents.Message("other-bucket", key), bucket: "other-bucket");
        await BucketEvents.PublishAsync(sandbox, BucketEvents.Message(PromoterSandbox.ArtifactBucket, key, "s3:ObjectRemoved:Delete"), eventName: "s3:ObjectRemoved:Delete");
        await BucketEvents.PublishAsync(sandbox, BucketEvents.Message(PromoterSandbox.ArtifactBucket, $"0/{runId}/artifacts/../../x/MLmodel"));
        await BucketEvents.PublishAsync(sandbox, BucketEvents.Message(PromoterSandbox.ArtifactBucket, $"0/{runId}/artifacts/model/MLmodel",
            encodedKey: $"0%252F{runId}%252Fartifacts%252Fmodel%252FMLmodel"));
        await BucketEvents.PublishAsync(sandbox, "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\"}");

        var fault = await NextErrorAsync();
        Assert.Contains("has no Records", fault, StringComparison.Ordinal);
        await BucketEvents.PublishAsync(sandbox, "not json at all");
        Assert.Contains("is an invalid JSON literal", await NextErrorAsync(), StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => rig.Promoter!.Logs.Entries.Count(e => e.Message.Contains("leaves MLflow's layout", StringComparison.Ordinal)) >= 2,
            "warnings about the two keys that leave the layout");
        Assert.Null(await rig.Catalog.FindAsync(RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, "0", runId)));
        Assert.Null(await rig.Catalog.FindAsync(RunArtifactStateMachine.IdOf("other-bucket", "0", runId)));
        Assert.Null(await rig.FindAsync(PromotionIds.Automatic(model, version)));
    }

    // The fault reason MassTransit puts on a message it moved to the endpoint's error queue.
    private async Task<string> NextErrorAsync()
    {
        await using var connection = await new ConnectionFactory { Uri = sandbox.VirtualHost.AmqpUrl }.CreateConnectionAsync();
        BasicGetResult? message = null;
        await Eventually.HoldsAsync(async () =>
        {
            // A get from a queue not declared yet closes the channel: a fresh one each time.
            await using var channel = await connection.CreateChannelAsync();
            return (message = await channel.BasicGetAsync("model-promoter-bucket-notifications_error", autoAck: true)) is not null;
        }, "a message in the error queue");
        return message!.BasicProperties.Headers?["MT-Fault-Message"] is byte[] reason ? Encoding.UTF8.GetString(reason) : "";
    }
}
