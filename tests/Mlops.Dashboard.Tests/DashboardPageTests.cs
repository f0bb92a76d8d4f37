using Mlops.Testing;

namespace Mlops.Dashboard.Tests;

/// <summary>The page's own files: data goes in as text only, and nothing is loaded from outside the dashboard.</summary>
public sealed class DashboardPageTests
{
    private static readonly string Root = Path.Combine(TestEnvironment.RepositoryRoot, "tools", "mlopsctl", "Dashboard", "wwwroot");

    public static TheoryData<string> Files => ["index.html", "dashboard.js", "dashboard.css"];

    [Fact]
    public void Should_never_turn_data_into_HTML_or_code()
    {
        var script = File.ReadAllText(Path.Combine(Root, "dashboard.js"));
        foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'" })
            Assert.DoesNotContain(sink, script, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Should_load_nothing_from_outside_the_dashboard(string file)
    {
        var text = File.ReadAllText(Path.Combine(Root, file));
        Assert.DoesNotContain("//cdn", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", text);
        Assert.DoesNotMatch(@"@import|url\(\s*[""']?(https?:)?//", text);
    }
}
