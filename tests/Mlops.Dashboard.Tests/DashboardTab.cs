using System.Collections.Concurrent;
using Microsoft.Playwright;
using Mlops.Testing;

namespace Mlops.Dashboard.Tests;

/// <summary>One open dashboard page and the errors its console showed.</summary>
public sealed class DashboardTab : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _errors = new();

    public DashboardTab(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                _errors.Enqueue($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => _errors.Enqueue($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>Every console error or warning and uncaught error so far.</summary>
    public IReadOnlyList<string> Errors => _errors.ToArray();

    /// <summary>Writes a full-page PNG to <c>TestResults/dashboard/&lt;name&gt;.png</c> (kept by ./test.sh as an artifact); answers its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(TestEnvironment.RepositoryRoot, "TestResults", "dashboard", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await Page.CloseAsync();
}
