using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests;

/// <summary>The promoter as a real process, SIGKILLed while a slow model rolls out, then started again on the same store.</summary>
[Collection(ServingSlowCollection.Name)]
public sealed class ServingWhenThePromoterIsKilledMidRollout(ServingSlowCluster cluster)
{
    private const string Model = "killed_rollout_model";

    [Fact]
    public async Task Should_complete_the_rollout_once_after_the_restart()
    {
        var version = await ServingModels.RegisterAsync(cluster, Model);
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("serving-kill");
        await using var store = SqliteStoreFile.Create("serving-kill");
        var settings = cluster.PromoterSettingsWithoutStore();
        settings["RABBITMQ_URL"] = vhost.AmqpUrl.ToString();
        foreach (var (key, value) in store.Settings())
            settings[key] = value;
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";

        var seen = new ConcurrentQueue<object>();
        var observer = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(vhost.AmqpUrl);
            cfg.ReceiveEndpoint("serving-kill-observer", e =>
            {
                e.Handler<ServingRolloutComplete>(c => { seen.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<ServingAttemptFinished>(c => { seen.Enqueue(c.Message); return Task.CompletedTask; });
            });
        });
        await observer.StartAsync();
        try
        {
            await using var promoter = await ServiceProcess.StartAsync("Mlops.ModelPromoter", settings);
            var before = cluster.LastRequest;
            var promotion = Guid.NewGuid();
            await observer.Publish(new ServeModelVersion
            {
                FlowId = version.FlowId, OccurredAt = DateTimeOffset.UtcNow, ModelName = Model, Version = version.Version, PromotionId = promotion,
                Alias = "production", Deliberate = false, Trigger = "ModelRegistered", RunId = version.RunId,
                ArtifactLocation = version.ArtifactLocation, Stack = ServingCluster.Stack,
            });

            // The Deployment is written and its model still loading (2 s): the promoter dies mid-rollout.
            await Eventually.HoldsAsync(() => cluster.DeploymentWrites(before).Count == 1, "the Deployment created");
            await promoter.KillAsync();
            Assert.Empty(seen.OfType<ServingAttemptFinished>());
            await promoter.RestartAsync();

            var answer = await Eventually.ReturnsAsync(() => Task.FromResult(seen.OfType<ServingAttemptFinished>().FirstOrDefault(a => a.PromotionId == promotion)),
                "the promotion answered after the restart", TimeSpan.FromSeconds(90));
            Assert.Equal(ServingOutcome.Served, answer.Outcome);
            Assert.Equal("1", await cluster.AliasAsync(Model));
            Assert.Single(seen.OfType<ServingRolloutComplete>(), e => e.ModelName == Model);
            Assert.Equal("create", Assert.Single(cluster.DeploymentWrites(before)).Verb);
            await Rollout.WaitForCompleteAsync(cluster, "mlflow-model-killed-rollout-model-server", "1");
        }
        finally
        {
            await observer.StopAsync();
        }
    }
}
