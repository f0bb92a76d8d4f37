using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>PromoteModel and ApprovePromotion: a deliberate choice is an attempt of its own and counts as its chooser's approval.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_a_person_chooses_a_version(PromoterSandbox sandbox)
{
    private static PromoteModel Promote(string model, string version, Guid? requestId = null) => new()
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        ModelName = model,
        Version = version,
        RequestId = requestId ?? Guid.NewGuid(),
        RequestedBy = "ana@example.org",
        Reason = "back to the version that scored best",
    };

    [Fact]
    public async Task Should_serve_each_request_as_its_own_attempt_approved_by_its_chooser_and_a_repeated_request_once()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, _, source) = await rig.Registry.TrainedVersionAsync(model, tags: new Dictionary<string, string> { ["mlops.stack"] = stack.StackName });
        var first = Promote(model, version);
        var second = Promote(model, version);

        await rig.PublishAsync(first);
        await rig.PublishAsync(first with { OccurredAt = DateTimeOffset.UtcNow });
        await rig.PublishAsync(second);
        var (_, one) = await rig.InStateAsync(PromotionIds.Deliberate(model, version, first.RequestId!.Value), "Promoted");
        var (_, two) = await rig.InStateAsync(PromotionIds.Deliberate(model, version, second.RequestId!.Value), "Promoted");

        Assert.Equal(2, rig.Serving.For(model).Count);
        Assert.All(rig.Serving.For(model), r => Assert.Equal((true, "production", PromotionTriggers.PromoteModel, source), (r.Deliberate, r.Alias, r.Trigger, r.ArtifactLocation)));
        Assert.Equal(("ana@example.org", "ana@example.org"), (one.ApprovedBy, two.ApprovedBy));
        Assert.Equal(first.FlowId, rig.Serving.For(model).Single(r => r.PromotionId == one.CorrelationId).FlowId);
        Assert.Equal(stack.StackName, one.StackName);
    }

    [Fact]
    public async Task Should_point_the_policys_alias_at_the_version_when_the_request_names_none_and_the_named_one_when_it_does()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?> { [$"ModelPromoter:Policies:Models:{model}:TargetAlias"] = "champion" });
        await rig.StackAsync();
        var (version, _, _) = await rig.Registry.TrainedVersionAsync(model);
        var byPolicy = Promote(model, version);
        var named = Promote(model, version) with { Alias = "staging" };

        await rig.PublishAsync(byPolicy);
        await rig.InStateAsync(PromotionIds.Deliberate(model, version, byPolicy.RequestId!.Value), "Promoted");
        await rig.PublishAsync(named);
        await rig.InStateAsync(PromotionIds.Deliberate(model, version, named.RequestId!.Value), "Promoted");

        Assert.Equal(["champion", "staging"], rig.Serving.For(model).Select(r => r.Alias));
        Assert.Equal(version, await rig.Registry.AliasAsync(model, "champion"));
        Assert.Equal(version, await rig.Registry.AliasAsync(model, "staging"));
        Assert.Null(await rig.Registry.AliasAsync(model, "production"));
    }

    [Fact]
    public async Task Should_wait_for_approval_when_the_policy_asks_for_it_and_serve_once_approved()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>
        {
            [$"ModelPromoter:Policies:Models:{model}:RequireApproval"] = "true",
            [$"ModelPromoter:Policies:Models:{model}:TargetAlias"] = "champion",
        });
        var stack = await rig.StackAsync();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        await rig.InStateAsync(id, "WaitingForApproval");
        var waiting = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.AwaitingApproval.FirstOrDefault(e => e.ModelName == model)), "PromotionAwaitingApproval");
        Assert.Equal((id, version), (waiting.PromotionId, waiting.Version));
        Assert.InRange(waiting.ApproveBy, DateTimeOffset.UtcNow.AddDays(6), DateTimeOffset.UtcNow.AddDays(8));
        Assert.Empty(rig.Serving.For(model));

        // An approval of another version changes nothing.
        await rig.PublishAsync(new ApprovePromotion { FlowId = Guid.Empty, OccurredAt = DateTimeOffset.UtcNow, ModelName = model, Version = "999", ApprovedBy = "bob@example.org" });
        await rig.PublishAsync(new ApprovePromotion { FlowId = Guid.Empty, OccurredAt = DateTimeOffset.UtcNow, ModelName = model, Version = version, ApprovedBy = "ana@example.org" });
        var (_, promotion) = await rig.InStateAsync(id, "Promoted");

        Assert.Equal("ana@example.org", promotion.ApprovedBy);
        Assert.Equal("champion", Assert.Single(rig.Serving.For(model)).Alias);
    }

    [Fact]
    public async Task Should_fail_when_no_approval_comes_in_time()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>
        {
            [$"ModelPromoter:Policies:Models:{model}:RequireApproval"] = "true",
            ["ModelPromoter:Promotion:ApprovalTimeout"] = "00:00:01",
        });
        var stack = await rig.StackAsync();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, version), "Failed");

        Assert.Equal($"model {model} version {version} was not approved within 1 s", promotion.FailedStep!.Reason);
        await Eventually.HoldsAsync(() => rig.Events.Failed.Any(e => e.ModelName == model && e.Step == "approval"), "PromotionFailed for want of approval");
    }

    [Fact]
    public async Task Should_stop_a_waiting_promotion_on_CancelSaga_and_say_who_cancelled_it()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?> { [$"ModelPromoter:Policies:Models:{model}:RequireApproval"] = "true" });
        var stack = await rig.StackAsync();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);
        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        await rig.InStateAsync(id, "WaitingForApproval");

        await rig.PublishAsync(new CancelSaga
        {
            FlowId = Guid.Empty,
            OccurredAt = DateTimeOffset.UtcNow,
            SagaType = nameof(PromotionState),
            CorrelationId = id,
            RequestedBy = "ops@example.org",
            Reason = "wrong dataset",
        });
        var (record, _) = await rig.InStateAsync(id, "Cancelled");

        Assert.Null(record.DeadlineAt);
        var cancelled = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Failed.FirstOrDefault(e => e.ModelName == model)), "PromotionFailed");
        Assert.Equal((true, "cancel", "cancelled by ops@example.org: wrong dataset"), (cancelled.Cancelled, cancelled.Step, cancelled.Reason));
        Assert.Empty(rig.Serving.For(model));
    }
}
