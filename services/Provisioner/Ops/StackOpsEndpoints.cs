using Mlops.Contracts;
using Mlops.Provisioner.Consumers;
using Mlops.Provisioner.Sagas;
using Mlops.Provisioner.Stacks;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Ops;

namespace Mlops.Provisioner.Ops;

/// <summary>
/// The Provisioner's own ops endpoints (docs/operations.md): provision a stack from its stack file, and read where a
/// stack's saga stands.
/// </summary>
public static class StackOpsEndpoints
{
    public static IEndpointRouteBuilder MapStackOps(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // A dry run answers before the command handler: it validates as apply does and publishes nothing.
        endpoints.MapOpsCommand("/ops/stacks", ProvisionStack, command => SagaIds.ForStack(command.StackName))
            .AddEndpointFilter<RouteHandlerBuilder, StackDryRunFilter>();
        endpoints.MapGet("/ops/stacks/{name}", StatusAsync).RequireOpsToken();
        return endpoints;
    }

    private static ProvisionStack ProvisionStack(OpsCommandRequest request, string who) =>
        Validate(request.BodyText, request.Query("only", maxLength: 200), request.Http.RequestServices.GetRequiredService<TimeProvider>()) with
        {
            FlowId = request.FlowId,
            OccurredAt = request.OccurredAt,
            RequestedBy = who,
        };

    /// <summary>
    /// The stack file as apply takes it (the dry run takes it the same way): parsed and checked, with the request's
    /// <c>only</c> over the file's; every error is thrown as one <see cref="OpsValidationException"/>.
    /// </summary>
    internal static ProvisionStack Validate(string body, string? only, TimeProvider time)
    {
        OpsCommandRequest.Require(!string.IsNullOrWhiteSpace(body), "body", "The stack file (YAML, docs/stack-file.md) is required as the body.");
        ProvisionStack stack;
        try
        {
            stack = StackFile.Parse(body, "body", time);
        }
        catch (StackFileException ex)
        {
            // Every error of the file, by its path, each with the line it is on.
            throw new OpsValidationException(ex.Errors
                .GroupBy(e => e.Path, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Line > 0 ? $"line {e.Line}: {e.Message}" : e.Message).ToArray(), StringComparer.Ordinal));
        }
        return stack with { Only = Only(only) ?? stack.Only };
    }

    private static List<string>? Only(string? only)
    {
        if (only is null)
            return null;
        var steps = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = steps.Where(s => !StackSteps.InOrder.Contains(s, StringComparer.Ordinal)).ToList();
        OpsCommandRequest.Require(steps.Length > 0 && unknown.Count == 0, "only",
            $"'only' lists steps separated by commas; the steps are: {string.Join(", ", StackSteps.InOrder)}"
            + (unknown.Count > 0 ? $" (not steps: {string.Join(", ", unknown)})" : ""));
        return steps.Distinct(StringComparer.Ordinal).ToList();
    }

    private static async Task<IResult> StatusAsync(string name, ISagaCatalog catalog, SecretMask mask, CancellationToken cancellationToken)
    {
        if (NamingRules.DnsLabel(name) is { } problem)
            return OpsProblems.BadRequest("name", $"'name' {problem}.");
        var sagaId = SagaIds.ForStack(name);
        var record = await catalog.FindAsync(sagaId, nameof(StackState), cancellationToken);
        if (record is null)
            return OpsProblems.NotFound($"No stack '{name}' has been provisioned by this service.");
        // The same reading as the GetStackStatus the other services ask over the bus.
        var status = await new GetStackStatusConsumer(catalog).StatusOfAsync(name, Guid.Empty, cancellationToken);
        return Results.Json(new StackStatusAnswer
        {
            Name = status.StackName,
            State = record.State,
            Ready = status.Ready,
            SagaId = sagaId,
            FlowId = record.FlowId,
            Failed = status.FailedStep is null ? null : new StackStatusFailure(status.FailedStep, status.Reason is null ? null : mask.MaskText(status.Reason)),
            UpdatedAt = record.UpdatedAt,
        }, OpsEndpointExtensions.Json);
    }
}
