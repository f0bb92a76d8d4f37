using Microsoft.Playwright;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using static Microsoft.Playwright.Assertions;

namespace Mlops.Dashboard.Tests;

/// <summary>A model whose policy asks for a person's approval: the page shows the promotion with its gates' figures; Approve serves it.</summary>
[Collection(DashboardCollection.Name)]
public sealed class When_a_promotion_waits_for_approval(DashboardWorld world)
{
    [Fact]
    public async Task Should_show_its_gates_and_serve_the_version_once_Approve_is_clicked()
    {
        var rig = world.Rig;
        var model = RegistrySeed.NewModelName();
        var policy = $"ModelPromoter:Policies:Models:{model}";
        rig.Configure($"{policy}:RequireApproval", "true");
        rig.Configure($"{policy}:Gates:0:Metric", "accuracy");
        rig.Configure($"{policy}:Gates:0:Min", "0.8");
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var promotion = PromotionIds.Automatic(model, version);
        await using var tab = await world.Browser.OpenAsync(world.Dashboard.Url);
        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, world.StackName));

        var waiting = tab.Page.Locator($"#approvals tr[data-saga-id='{promotion}']");
        await Expect(waiting).ToContainTextAsync("accuracy 0.91: accuracy >= 0.8 met", new() { Timeout = 60_000 });
        await Expect(waiting).ToContainTextAsync(model);
        await tab.ScreenshotAsync("promotion-waiting-for-approval");

        await waiting.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(tab.Page.Locator("#notice")).ToContainTextAsync("model-promoter accepted it (202)");
        var served = tab.Page.Locator($"#models tr[data-model='{model}']");
        await Expect(served.Locator(".serving")).ToHaveTextAsync(version, new() { Timeout = 90_000 });
        await Expect(served.Locator(".state")).ToHaveTextAsync("Serving");
        await Expect(waiting).ToHaveCountAsync(0);

        var (_, approved) = await rig.InStateAsync(promotion, "Promoted");
        Assert.Equal(DashboardWorld.Owner, approved.ApprovedBy);
        Assert.Empty(tab.Errors);
    }
}
