using System.Net;
using System.Text.Json;
using k8s;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Ops;

/// <summary>
/// The promoter's ops endpoints on its real HTTP port: promote, approve, roll back and retire with who asked taken from
/// the token; what each model serves; the promotions with their gates; refusals with the reason.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_an_operator_acts_on_models(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_promote_a_chosen_version_in_the_callers_name_and_list_it_with_its_ledger_and_gates()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, ModelOpsClient.Settings(), listen: true);
        using var ops = new ModelOpsClient(rig.Url!, ModelOpsClient.Token);
        using var stranger = new ModelOpsClient(rig.Url!, "not-a-token-of-anyone-0000");
        await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, _, _) = await rig.Registry.TrainedVersionAsync(model);

        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsync($"/ops/models/{model}/versions/{version}/promote")).Status);
        var (status, accepted, _) = await ops.PostAsync($"/ops/models/{model}/versions/{version}/promote", new { reason = "the best run this week" });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(("PromoteModel", ModelOpsClient.Owner), (accepted.GetProperty("command").GetString(), accepted.GetProperty("requestedBy").GetString()));
        var id = accepted.GetProperty("sagaId").GetGuid();
        var (_, promotion) = await rig.InStateAsync(id, "Promoted");
        Assert.Equal((ModelOpsClient.Owner, "production", "the best run this week"), (promotion.ApprovedBy, promotion.Alias, promotion.RequestReason));
        await rig.RolloutCompleteAsync(model, version);

        JsonElement served = default;
        await Eventually.HoldsAsync(async () =>
        {
            var (_, models, _) = await ops.GetAsync("/ops/models");
            served = models.EnumerateArray().FirstOrDefault(m => m.GetProperty("model").GetString() == model);
            return served.ValueKind == JsonValueKind.Object && served.GetProperty("readyReplicas").ValueKind == JsonValueKind.Number
                && served.GetProperty("readyReplicas").GetInt32() == 1;
        }, "the model listed with its ready replica");
        Assert.Equal((version, "production", "Serving"), (served.GetProperty("servingVersion").GetString(), served.GetProperty("alias").GetString(),
            served.GetProperty("state").GetString()));
        var line = Assert.Single(served.GetProperty("ledger").EnumerateArray());
        Assert.Equal((version, "Served", true), (line.GetProperty("version").GetString(), line.GetProperty("outcome").GetString(), line.GetProperty("deliberate").GetBoolean()));

        var (_, promotions, _) = await ops.GetAsync("/ops/promotions?state=Promoted");
        var listed = Assert.Single(promotions.EnumerateArray(), p => p.GetProperty("sagaId").GetGuid() == id);
        Assert.Equal((model, version, false), (listed.GetProperty("model").GetString(), listed.GetProperty("version").GetString(), listed.GetProperty("awaitingApproval").GetBoolean()));
        Assert.Equal(0.91, listed.GetProperty("metrics").GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public async Task Should_refuse_an_approval_nothing_waits_for_and_approve_a_waiting_promotion_in_the_callers_name()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, ModelOpsClient.Settings(($"ModelPromoter:Policies:Models:{model}:RequireApproval", "true"),
            ($"ModelPromoter:Policies:Models:{model}:Gates:0:Metric", "accuracy"), ($"ModelPromoter:Policies:Models:{model}:Gates:0:Min", "0.8")), listen: true);
        using var ops = new ModelOpsClient(rig.Url!, ModelOpsClient.Token);
        var stack = await rig.StackAsync();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);

        var (refused, problem, type) = await ops.PostAsync($"/ops/models/{model}/versions/{version}/approve");
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (refused, type));
        Assert.Equal($"No promotion of model {model} version {version} waits for an approval.", problem.GetProperty("detail").GetString());

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var id = PromotionIds.Automatic(model, version);
        await rig.InStateAsync(id, "WaitingForApproval");
        var (_, waiting, _) = await ops.GetAsync("/ops/promotions?state=WaitingForApproval");
        var listed = Assert.Single(waiting.EnumerateArray(), p => p.GetProperty("sagaId").GetGuid() == id);
        Assert.True(listed.GetProperty("awaitingApproval").GetBoolean());
        Assert.Equal("accuracy 0.91: accuracy >= 0.8 met", Assert.Single(listed.GetProperty("gates").EnumerateArray()).GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/ops/models/{model}/versions/{version}/approve")).Status);
        var (_, promotion) = await rig.InStateAsync(id, "Promoted");
        Assert.Equal(ModelOpsClient.Owner, promotion.ApprovedBy);
        var history = await rig.HistoryAsync(id);
        Assert.Contains(history, h => h.EventName == "ApprovePromotion" && h.RequestedBy == ModelOpsClient.Owner);
    }

    [Fact]
    public async Task Should_roll_back_to_the_previous_good_version_and_retire_the_model_refusing_what_has_nothing_to_act_on()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, ModelOpsClient.Settings(), listen: true);
        using var ops = new ModelOpsClient(rig.Url!, ModelOpsClient.Token);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();

        var (never, _, _) = await ops.PostAsync($"/ops/models/{model}/rollback", new { reason = "bad answers" });
        Assert.Equal(HttpStatusCode.Conflict, never);
        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsync($"/ops/models/{model}/retire")).Status);
        var (bad, problem, _) = await ops.PostAsync($"/ops/models/{model}/rollback", new { toVersion = "7" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsync($"/ops/models/{model}/versions/seven/promote")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsync($"/ops/models/{model}/versions/1/promote", new { alias = "latest" })).Status);

        foreach (var _ in new[] { 1, 2 })
        {
            var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
            await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
            await rig.RolloutCompleteAsync(model, version);
        }
        var (status, _, _) = await ops.PostAsync($"/ops/models/{model}/rollback", new { reason = "version 2 answers badly" });
        Assert.Equal(HttpStatusCode.Accepted, status);
        await Eventually.HoldsAsync(async () => await rig.Registry.AliasAsync(model, "production") == "1", "the alias back on version 1");
        var again = Assert.Single(rig.Serving.For(model), r => r.Version == "1" && r.Deliberate);
        var (_, promotion) = await rig.InStateAsync(again.PromotionId, "Promoted");
        Assert.Equal((ModelOpsClient.Owner, "RollbackModel"), (promotion.ApprovedBy, promotion.Trigger));

        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/ops/models/{model}/retire", new { reason = "replaced by another model" })).Status);
        var deployment = $"mlflow-model-{model.Replace('_', '-')}-server";
        await Eventually.HoldsAsync(async () => await sandbox.Sandbox.Kubernetes.AppsV1.ListNamespacedDeploymentAsync(PromoterSandbox.Namespace) is var list
            && list.Items.All(d => d.Metadata.Name != deployment), "the Deployment removed");
        await Eventually.HoldsAsync(async () => (await ops.PostAsync($"/ops/models/{model}/retire")).Status == HttpStatusCode.Conflict, "a second retire refused");
        Assert.Null(await rig.Registry.AliasAsync(model, "production"));
    }
}
