using static Microsoft.Playwright.Assertions;

namespace Mlops.Dashboard.Tests;

/// <summary>A service down or a token refused shows on the page as text; what the other services answer is still shown.</summary>
[Collection(DashboardCollection.Name)]
public sealed class When_a_service_cannot_be_used(DashboardWorld world)
{
    [Fact]
    public async Task Should_name_the_service_that_is_down_and_show_the_others_sections()
    {
        var environment = world.DashboardEnvironment();
        // Port 9 (discard) has no listener here: connection refused, as for a stopped service.
        environment["MLOPS_PROVISIONER_URL"] = "http://127.0.0.1:9";
        await using var dashboard = await DashboardProcess.StartAsync(environment, "--vhost", world.Sandbox.VirtualHost.Name);
        await using var tab = await world.Browser.OpenAsync(dashboard.Url);

        await Expect(tab.Page.Locator("#services li[data-service='provisioner']")).ToContainTextAsync("cannot be reached");
        await Expect(tab.Page.Locator("#failed .error")).ToContainTextAsync("provisioner at http://127.0.0.1:9/ cannot be reached");
        await Expect(tab.Page.Locator("#services li[data-service='model-promoter']")).ToHaveClassAsync("up");
        await Expect(tab.Page.Locator("#triggers tr[data-source='ModelRegistered']")).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("#queues tr[data-queue='model-promoter-promotion-state']")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("provisioner-down");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Should_say_the_token_was_refused_in_every_section_instead_of_a_blank_page()
    {
        var environment = world.DashboardEnvironment();
        environment["MLOPS_TOKEN"] = "a-token-nobody-was-given-000";
        await using var dashboard = await DashboardProcess.StartAsync(environment, "--vhost", world.Sandbox.VirtualHost.Name);
        await using var tab = await world.Browser.OpenAsync(dashboard.Url);

        foreach (var section in new[] { "approvals", "models", "triggers" })
            await Expect(tab.Page.Locator($"#{section} .error")).ToContainTextAsync("model-promoter refused the token");
        await Expect(tab.Page.Locator("#failed .error")).ToHaveCountAsync(3);
        // RabbitMQ's management API has credentials of its own: the queues are still shown.
        await Expect(tab.Page.Locator("#queues tr[data-queue='model-promoter-promotion-state']")).ToBeVisibleAsync();
        Assert.Empty(tab.Errors);
        Assert.DoesNotContain(dashboard.Output, line => line.Contains("a-token-nobody-was-given-000", StringComparison.Ordinal));
    }
}
