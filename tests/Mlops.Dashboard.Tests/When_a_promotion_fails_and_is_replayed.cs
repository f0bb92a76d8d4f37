using Microsoft.Playwright;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using static Microsoft.Playwright.Assertions;

namespace Mlops.Dashboard.Tests;

/// <summary>
/// A night's failure as the operator meets it: a promotion fails at serving (the model's policy names an image the
/// cluster cannot pull), the page shows it with its reason and failing step; the cause is fixed, Replay is clicked, and the
/// page shows the model served.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class When_a_promotion_fails_and_is_replayed(DashboardWorld world)
{
    private const string BadImage = "registry.invalid/mlops/mlflow-model-server:1";

    private static readonly LocatorAssertionsToContainTextOptions Slowly = new() { Timeout = 90_000 };

    [Fact]
    public async Task Should_show_the_failure_with_its_reason_replay_it_on_click_and_show_the_model_served()
    {
        var rig = world.Rig;
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var promotion = PromotionIds.Automatic(model, version);
        var image = $"ModelPromoter:Policies:Models:{model}:Image";
        rig.Configure(image, BadImage);
        var registered = PromoterRig.Registered(model, version, runId, source, world.StackName);
        await using var tab = await world.Browser.OpenAsync(world.Dashboard.Url);
        await rig.PublishAsync(registered);

        var failed = tab.Page.Locator($"#failed tr[data-saga-id='{promotion}']");
        await Expect(failed).ToContainTextAsync($"serving failed: image {BadImage} cannot be pulled", Slowly);
        await Expect(failed).ToContainTextAsync("PromotionState");
        var flow = tab.Page.Locator($"#flows article[data-flow-id='{registered.FlowId}']");
        await Expect(flow.Locator("h3")).ToContainTextAsync("PromotionState failed at");
        await Expect(flow.Locator($"tr[data-saga-id='{promotion}'] .state")).ToHaveTextAsync("Failed");
        await Expect(flow.Locator($"tr[data-saga-id='{promotion}']")).ToContainTextAsync($"image {BadImage} cannot be pulled");
        await tab.ScreenshotAsync("promotion-failed");

        rig.Configure(image, null);
        await failed.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(tab.Page.Locator("#notice")).ToContainTextAsync("model-promoter accepted it (202)");

        var served = tab.Page.Locator($"#models tr[data-model='{model}']");
        await Expect(served.Locator(".serving")).ToHaveTextAsync(version, new() { Timeout = 90_000 });
        await Expect(served.Locator(".state")).ToHaveTextAsync("Serving");
        await Expect(served.Locator(".replicas")).ToHaveTextAsync("1 / 1", new() { Timeout = 30_000 });
        await Expect(flow.Locator($"tr[data-saga-id='{promotion}'] .state")).ToHaveTextAsync("Promoted");
        await Expect(failed).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("promotion-replayed-and-served");

        // Who asked is the dashboard's token's owner, never the browser.
        Assert.Contains(await rig.HistoryAsync(promotion), h => h.EventName == "ReplaySaga" && h.RequestedBy == DashboardWorld.Owner);
        Assert.Empty(tab.Errors);
    }
}
