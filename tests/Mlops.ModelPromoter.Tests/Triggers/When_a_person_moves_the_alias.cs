using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>The registry as the source of truth: the target alias moved by hand is served, once; the product's own alias writes never loop back.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_a_person_moves_the_alias(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_serve_the_older_version_a_person_points_the_alias_at_once_and_not_react_to_its_own_writes()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, Reconciling.Settings());
        await rig.StackAsync();
        await Reconciling.BaselineAsync(rig);
        var model = RegistrySeed.NewModelName();
        var (v1, _, _) = await rig.Registry.ReadyVersionAsync(model);
        await rig.InStateAsync(PromotionIds.Automatic(model, v1), "Promoted", TimeSpan.FromSeconds(60));
        var (v2, _, _) = await rig.Registry.ReadyVersionAsync(model);
        await rig.InStateAsync(PromotionIds.Automatic(model, v2), "Promoted", TimeSpan.FromSeconds(60));
        Assert.Equal(v2, await rig.Registry.AliasAsync(model, "production"));
        await Reconciling.PassesAsync(rig);
        Assert.Equal(2, rig.Serving.For(model).Count);

        await rig.Registry.SetAliasAsync(model, "production", v1);
        await Eventually.HoldsAsync(() => rig.Serving.For(model).Count == 3, "the version the alias points at served again", TimeSpan.FromSeconds(60));
        await Reconciling.PassesAsync(rig, 3);

        var chosen = rig.Serving.For(model)[2];
        Assert.Equal((v1, true, PromotionTriggers.Alias, "production"), (chosen.Version, chosen.Deliberate, chosen.Trigger, chosen.Alias));
        Assert.Equal(3, rig.Serving.For(model).Count);
        var (_, promotion) = await rig.InStateAsync(chosen.PromotionId, "Promoted");
        Assert.StartsWith("a person moving alias production in MLflow", promotion.ApprovedBy, StringComparison.Ordinal);
        var (_, alias) = await rig.WaitForSagaAsync<RegistryAliasState>(RegistryAliasStateMachine.IdOf(model, "production"), (_, s) => s.LastSeenVersion == v1, "the alias followed");
        Assert.Equal(v1, alias.LastChosenVersion);
    }
}
