extern alias mlopsctl;
using System.Text.Json;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.SagaStore;
using Mlops.Testing;
using mlopsctl::Mlops.Ctl;

namespace Mlops.ModelPromoter.Tests.Ops;

/// <summary>
/// <c>mlopsctl promote | approve | rollback | unserve | models</c> against the real promoter on its HTTP port: --wait until
/// the version is served (or retired), the ledger shown, refusals with the promoter's reason and exit codes with a meaning.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_mlopsctl_acts_on_models(PromoterSandbox sandbox)
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(PromoterRig rig, params string[] args)
    {
        var home = Path.Combine(Path.GetTempPath(), "mlopsctl-home-none");
        var environment = new Dictionary<string, string>
        {
            ["MLOPS_MODEL_PROMOTER_URL"] = rig.Url!.ToString(),
            ["MLOPS_TOKEN"] = ModelOpsClient.Token,
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CtlApp.RunAsync(args, new CtlEnvironment(environment, home, home), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Should_promote_two_versions_roll_back_to_the_first_and_unserve_the_model_each_waited_for()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, ModelOpsClient.Settings(), listen: true);
        await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (first, _, _) = await rig.Registry.TrainedVersionAsync(model);
        var (second, _, _) = await rig.Registry.TrainedVersionAsync(model);

        var promoted = await RunAsync(rig, "promote", model, first, "--reason", "the best run this week", "--wait", "--timeout", "00:02:00", "--json");
        Assert.True(promoted.Exit == CtlExit.Done, promoted.Output + promoted.Error);
        var answer = JsonSerializer.Deserialize<JsonElement>(promoted.Output);
        Assert.Equal($"version {first} served", answer.GetProperty("waited").GetString());
        var promotionId = answer.GetProperty("accepted").GetProperty("sagaId").GetGuid();
        Assert.Contains($"… {promotionId} ", promoted.Error, StringComparison.Ordinal);
        var (_, promotion) = await rig.InStateAsync(promotionId, "Promoted");
        Assert.Equal((ModelOpsClient.Owner, "the best run this week"), (promotion.ApprovedBy, promotion.RequestReason));

        var again = await RunAsync(rig, "promote", model, second, "--wait", "--timeout", "00:02:00");
        Assert.True(again.Exit == CtlExit.Done, again.Output + again.Error);
        Assert.Contains($"of {model} version {second}: PromoteModel sent as {ModelOpsClient.Owner}; version {second} served", again.Output, StringComparison.Ordinal);

        var rolledBack = await RunAsync(rig, "rollback", model, "--reason", $"version {second} answers badly", "--wait", "--timeout", "00:02:00");
        Assert.True(rolledBack.Exit == CtlExit.Done, rolledBack.Output + rolledBack.Error);
        Assert.Contains($"RollbackModel sent as {ModelOpsClient.Owner}; version {first} served", rolledBack.Output, StringComparison.Ordinal);
        Assert.Equal(first, await rig.Registry.AliasAsync(model, "production"));

        var listed = await RunAsync(rig, "models", "--json");
        Assert.True(listed.Exit == CtlExit.Done, listed.Error);
        var shown = Assert.Single(JsonSerializer.Deserialize<JsonElement>(listed.Output).EnumerateArray(), m => m.GetProperty("model").GetString() == model);
        Assert.Equal((first, "production"), (shown.GetProperty("servingVersion").GetString(), shown.GetProperty("alias").GetString()));
        Assert.Equal([first, second, first], shown.GetProperty("ledger").EnumerateArray().Reverse().Select(l => l.GetProperty("version").GetString()));
        var ledger = await RunAsync(rig, "models", model);
        Assert.True(ledger.Exit == CtlExit.Done, ledger.Error);
        Assert.Contains("RollbackModel (chosen)", ledger.Output, StringComparison.Ordinal);
        Assert.Equal(3, ledger.Output.Split('\n').Count(l => l.Contains("Served", StringComparison.Ordinal)));

        var unserved = await RunAsync(rig, "unserve", model, "--reason", "replaced by another model", "--wait", "--timeout", "00:01:00");
        Assert.True(unserved.Exit == CtlExit.Done, unserved.Output + unserved.Error);
        Assert.Contains("RetireModel sent as ana; retired", unserved.Output, StringComparison.Ordinal);
        Assert.Null(await rig.Registry.AliasAsync(model, "production"));

        var nothing = await RunAsync(rig, "unserve", model);
        Assert.Equal(CtlExit.Failed, nothing.Exit);
        Assert.Contains($"refused: Model {model} is not served by this promoter", nothing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_approve_a_waiting_promotion_and_refuse_what_has_nothing_to_act_on_with_the_promoters_reason()
    {
        var model = RegistrySeed.NewModelName();
        await using var rig = await PromoterRig.StartAsync(sandbox, ModelOpsClient.Settings(($"ModelPromoter:Policies:Models:{model}:RequireApproval", "true")), listen: true);
        var stack = await rig.StackAsync();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);

        var early = await RunAsync(rig, "approve", model, version);
        Assert.Equal(CtlExit.Failed, early.Exit);
        Assert.Contains($"refused: No promotion of model {model} version {version} waits for an approval.", early.Error, StringComparison.Ordinal);
        var never = await RunAsync(rig, "rollback", model, "--reason", "bad answers");
        Assert.Equal(CtlExit.Failed, never.Exit);
        Assert.Contains("was never served by this promoter", never.Error, StringComparison.Ordinal);
        var noReason = await RunAsync(rig, "rollback", model);
        Assert.Equal(CtlExit.BadUsage, noReason.Exit);
        var badVersion = await RunAsync(rig, "promote", model, "seven");
        Assert.Equal(CtlExit.BadUsage, badVersion.Exit);
        Assert.Contains("'version' is a registry version", badVersion.Error, StringComparison.Ordinal);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        await Eventually.HoldsAsync(async () => (await rig.Catalog.ListAsync(new SagaInstanceQuery { SagaType = "PromotionState", State = "WaitingForApproval" }))
            .Items.Count > 0, "the promotion waiting for its approval");

        var approved = await RunAsync(rig, "approve", model, version, "--wait", "--timeout", "00:02:00");
        Assert.True(approved.Exit == CtlExit.Done, approved.Output + approved.Error);
        Assert.Contains($"ApprovePromotion sent as {ModelOpsClient.Owner}; version {version} served", approved.Output, StringComparison.Ordinal);
        await rig.RolloutCompleteAsync(model, version);
    }
}
