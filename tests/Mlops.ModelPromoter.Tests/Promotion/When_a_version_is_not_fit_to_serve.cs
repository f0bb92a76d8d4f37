using Mlops.ModelPromoter.Sagas;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>Versions the registry does not vouch for, and gates a run does not meet: the promotion fails, nothing is served.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_a_version_is_not_fit_to_serve(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_fail_a_version_that_is_not_registered_without_touching_Kubernetes()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var writesBefore = rig.KubernetesWrites().Count;

        await rig.PublishAsync(PromoterRig.Registered(model, "42", Guid.NewGuid().ToString("N"), "s3://mlflow/0/x/artifacts/model", stack.StackName));
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, "42"), "Failed");

        Assert.Equal($"model {model} version 42 is not registered", promotion.FailedStep!.Reason);
        var failed = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Failed.FirstOrDefault(e => e.ModelName == model)), "PromotionFailed");
        Assert.Equal(("verify-version", $"model {model} version 42 is not registered", "42"), (failed.Step, failed.Reason, failed.Version));
        Assert.Empty(rig.Serving.For(model));
        Assert.Equal(writesBefore, rig.KubernetesWrites().Count);
    }

    [Fact]
    public async Task Should_fail_a_version_whose_registration_failed()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (runId, artifacts) = await rig.Registry.RunAsync();
        var version = await rig.Registry.RegisterAsync(model, artifacts + "/model", runId, failRegistration: true);
        await Eventually.HoldsAsync(async () => await rig.Registry.StatusAsync(model, version) == "FAILED_REGISTRATION", "registration failed");

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, artifacts + "/model", stack.StackName));
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, version), "Failed");

        Assert.StartsWith($"model {model} version {version} is not registered: its registration failed", promotion.FailedStep!.Reason, StringComparison.Ordinal);
        Assert.Empty(rig.Serving.For(model));
    }

    [Fact]
    public async Task Should_fail_a_gate_naming_the_metric_and_the_threshold_and_serve_once_the_gate_is_met()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>
        {
            [$"ModelPromoter:Policies:Models:{model}:Gates:0:Metric"] = "accuracy",
            [$"ModelPromoter:Policies:Models:{model}:Gates:0:Min"] = "0.85",
        });
        var stack = await rig.StackAsync();
        var weak = await rig.Registry.TrainedVersionAsync(model, metrics: new Dictionary<string, double> { ["accuracy"] = 0.42 });
        var strong = await rig.Registry.TrainedVersionAsync(model, metrics: new Dictionary<string, double> { ["accuracy"] = 0.91 });

        // Without metrics in the trigger, the gates read the run's.
        await rig.PublishAsync(PromoterRig.Registered(model, weak.Version, weak.RunId, weak.Source, stack.StackName, new Dictionary<string, double>()));
        await rig.PublishAsync(PromoterRig.Registered(model, strong.Version, strong.RunId, strong.Source, stack.StackName, new Dictionary<string, double>()));

        var (_, failed) = await rig.InStateAsync(PromotionIds.Automatic(model, weak.Version), "Failed");
        Assert.Equal("gate accuracy >= 0.85 not met: accuracy is 0.42, below 0.85", failed.FailedStep!.Reason);
        await Eventually.HoldsAsync(() => rig.Events.Failed.Any(e => e.ModelName == model && e.Step == "gate"), "PromotionFailed at the gate");
        var (_, passed) = await rig.InStateAsync(PromotionIds.Automatic(model, strong.Version), "Promoted");
        Assert.Equal(["accuracy 0.91: accuracy >= 0.85 met"], passed.GateResults);
        Assert.Equal([strong.Version], rig.Serving.For(model).Select(r => r.Version));
    }

    [Fact]
    public async Task Should_refuse_a_command_for_something_that_is_not_a_version()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var model = RegistrySeed.NewModelName();
        var request = new Mlops.Contracts.PromoteModel
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = model,
            Version = "latest",
            RequestId = Guid.NewGuid(),
            RequestedBy = "ana@example.org",
        };

        await rig.PublishAsync(request);
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Deliberate(model, "latest", request.RequestId!.Value), "Rejected");

        Assert.Equal("PromoteModel refused: version 'latest' is not a registry version (a positive whole number such as 7)", promotion.FailedStep!.Reason);
        await Eventually.HoldsAsync(() => rig.Events.Failed.Any(e => e.ModelName == model && e.Step == "validation"), "PromotionFailed at validation");
    }
}
