using Microsoft.Playwright;

namespace Mlops.Dashboard.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, headless) driven by Playwright's bundled driver, with a fresh profile and
/// every background fetch of its own turned off: this machine reaches nothing but loopback.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly string _profile;

    private DashboardBrowser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        _context = context;
        _profile = profile;
    }

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: scripts/infra.sh installs Debian's chromium (./test.sh runs it).");
        var profile = Directory.CreateTempSubdirectory("mlops-chromium-").FullName;
        var playwright = await Playwright.CreateAsync();
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1400, Height = 1100 },
        });
        return new DashboardBrowser(playwright, context, profile);
    }

    /// <summary>A new tab on <paramref name="url"/>, recording every console error and uncaught script error.</summary>
    public async Task<DashboardTab> OpenAsync(Uri url)
    {
        var page = await _context.NewPageAsync();
        var tab = new DashboardTab(page);
        await page.GotoAsync(url.ToString());
        return tab;
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        _playwright.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}
