using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// The ops API of every service (docs/operations.md): the saga endpoints, and one line per command a service takes:
/// <code>
/// app.MapOpsCommand("/ops/models/{model}/promote", (request, who) => new PromoteModel
/// {
///     FlowId = request.FlowId, OccurredAt = request.OccurredAt,
///     ModelName = request.Route("model"), Version = request.Body&lt;PromoteBody&gt;().Version,
/// });
/// </code>
/// </summary>
public static class OpsEndpointExtensions
{
    /// <summary>The JSON of every ops answer: camelCase, as the CLI and the dashboard read it.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>Maps <c>/ops/sagas…</c> and <c>/ops/flows/{flowId}</c> behind the ops token (MapDefaultEndpoints calls it).</summary>
    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var ops = endpoints.MapGroup("/ops").RequireOpsToken();
        ops.MapGet("/sagas", OpsSagaEndpoints.ListAsync);
        ops.MapGet("/sagas/{id}", OpsSagaEndpoints.ShowAsync);
        ops.MapPost("/sagas/{id}/replay", OpsSagaEndpoints.ReplayAsync);
        ops.MapPost("/sagas/{id}/cancel", OpsSagaEndpoints.CancelAsync);
        ops.MapGet("/flows/{flowId}", OpsSagaEndpoints.FlowAsync);
        return endpoints;
    }

    /// <summary>
    /// A command endpoint in one line: the ops token is required (401), <paramref name="create"/> builds the command from the
    /// request and who asked (the token's owner), throwing <see cref="OpsValidationException"/> for bad input (400
    /// problem+json); the command is published through the saga store's outbox with who asked in its header, and the answer
    /// is 202 (<see cref="OpsAccepted"/>) only after that commit (503 when the store could not commit: nothing was sent).
    /// <paramref name="sagaIdOf"/> names the saga the command drives, for the answer's <c>sagaId</c>.
    /// </summary>
    public static RouteHandlerBuilder MapOpsCommand<TCommand>(this IEndpointRouteBuilder endpoints,
        [System.Diagnostics.CodeAnalysis.StringSyntax("Route")] string pattern, Func<OpsCommandRequest, string, TCommand> create,
        Func<TCommand, Guid?>? sagaIdOf = null)
        where TCommand : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        ArgumentNullException.ThrowIfNull(create);
        return endpoints.MapPost(pattern, (HttpContext http, OpsCommandOutbox outbox, ILoggerFactory logs, CancellationToken cancellationToken) =>
                OpsCommandEndpoint.HandleAsync(http, pattern, create, sagaIdOf, outbox, logs.CreateLogger("Mlops.ServiceDefaults.Ops"), cancellationToken))
            .RequireOpsToken();
    }

    /// <summary>Puts an endpoint (or a group) of a service's own behind the ops token; <c>HttpContext.OpsCaller()</c> then names who asked.</summary>
    public static TBuilder RequireOpsToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, OpsTokenFilter>();
    }
}
