using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mlops.Ctl.Dashboard;

/// <summary>The dashboard's own routes: the page and its files, the overview it polls, and the two actions it forwards.</summary>
internal static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => DashboardAssets.Serve("index.html"));
        endpoints.MapGet("/dashboard.js", () => DashboardAssets.Serve("dashboard.js"));
        endpoints.MapGet("/dashboard.css", () => DashboardAssets.Serve("dashboard.css"));
        // Browsers ask for it: no icon, and no 404 in the console.
        endpoints.MapGet("/favicon.ico", () => Results.NoContent());
        endpoints.MapGet("/health", () => Results.Text("ok"));
        endpoints.MapGet("/api/overview", async (DashboardOverview overview, CancellationToken cancellationToken) =>
            Results.Json(await overview.SnapshotAsync(cancellationToken), Json));
        endpoints.MapPost("/api/services/{service}/sagas/{id:guid}/replay", ReplayAsync);
        endpoints.MapPost("/api/models/{model}/versions/{version}/approve", ApproveAsync);
    }

    private static async Task<IResult> ReplayAsync(string service, Guid id, string? type, DashboardOverview overview, CancellationToken cancellationToken)
    {
        if (!CtlSettings.ServiceNames.Contains(service))
            return Refused($"Unknown service '{service}'; expected one of {string.Join(", ", CtlSettings.ServiceNames)}.");
        if (type is not null && (type.Length is 0 or > 100 || !type.All(char.IsAsciiLetterOrDigit)))
            return Refused("'type' is a saga type name, e.g. PromotionState.");
        var path = $"ops/sagas/{id}/replay" + (type is null ? "" : $"?type={type}");
        return Answer(await overview.SendAsync(service, path, cancellationToken));
    }

    private static async Task<IResult> ApproveAsync(string model, string version, DashboardOverview overview, CancellationToken cancellationToken)
    {
        if (model.Length is 0 or > 256 || model.Any(char.IsControl))
            return Refused("The model name is 1 to 256 characters without control characters.");
        if (version.Length is 0 or > 20 || !version.All(char.IsAsciiDigit) || version.TrimStart('0').Length == 0)
            return Refused("The version is a registry version, a positive whole number such as 7.");
        var path = $"ops/models/{Uri.EscapeDataString(model)}/versions/{version}/approve";
        return Answer(await overview.SendAsync("model-promoter", path, cancellationToken));
    }

    private static IResult Answer((System.Net.HttpStatusCode Status, string Message, JsonElement Body) answer) =>
        Results.Json(new { message = answer.Message, answer = answer.Body.ValueKind == JsonValueKind.Undefined ? (object?)null : answer.Body }, Json,
            statusCode: (int)answer.Status);

    private static IResult Refused(string message) => Results.Json(new { message }, Json, statusCode: StatusCodes.Status400BadRequest);
}
