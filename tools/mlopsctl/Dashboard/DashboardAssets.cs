using Microsoft.AspNetCore.Http;

namespace Mlops.Ctl.Dashboard;

/// <summary>The page's files, embedded in mlopsctl (Dashboard/wwwroot), so the tool serves them wherever it is copied.</summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    public static IResult Serve(string file)
    {
        var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream($"dashboard/{file}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, MediaTypes[Path.GetExtension(file)]);
    }
}
