using System.Text;
using System.Text.Json;
using Mlops.Contracts;
using Mlops.Provisioner.Sagas;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Ops;

namespace Mlops.Provisioner.Ops;

/// <summary>
/// <c>POST /ops/stacks?dryRun=true</c>: the stack file validated exactly as apply validates it, answered 200 with what
/// applying it would change (<see cref="StackDryRun"/>); nothing is published. Without <c>dryRun</c> (or with
/// <c>dryRun=false</c>) the request goes on to the command handler.
/// </summary>
public sealed class StackDryRunFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var values = http.Request.Query["dryRun"];
        if (values.Count == 0)
            return await next(context);
        if (values.Count > 1 || !bool.TryParse(values[0], out var dryRun))
            return OpsProblems.BadRequest("dryRun", "'dryRun' is true or false, given once.");
        if (!dryRun)
            return await next(context);

        var cancellationToken = http.RequestAborted;
        ProvisionStack asked;
        try
        {
            var body = await ReadBodyAsync(http.Request, cancellationToken);
            asked = StackOpsEndpoints.Validate(body, Query(http.Request, "only", 200), http.RequestServices.GetRequiredService<TimeProvider>());
        }
        catch (OpsValidationException ex)
        {
            return OpsProblems.BadRequest(ex.Errors);
        }
        var catalog = http.RequestServices.GetRequiredService<ISagaCatalog>();
        var record = await catalog.FindAsync(SagaIds.ForStack(asked.StackName), nameof(StackState), cancellationToken);
        var saga = record is null ? null : JsonSerializer.Deserialize<StackState>(record.Data);
        return Results.Json(StackDryRun.Plan(asked, record?.State, saga), OpsEndpointExtensions.Json);
    }

    // The limits of every ops command's body (OpsCommandRequest): bounded, UTF-8.
    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > OpsCommandRequest.MaxBodyBytes)
            throw new OpsValidationException("body", $"The body may have at most {OpsCommandRequest.MaxBodyBytes} bytes.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > OpsCommandRequest.MaxBodyBytes)
                throw new OpsValidationException("body", $"The body may have at most {OpsCommandRequest.MaxBodyBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new OpsValidationException("body", "The body is not UTF-8 text.");
        }
    }

    // The checks OpsCommandRequest.Query makes, so a bad 'only' reads the same in a dry run as in an apply.
    private static string? Query(HttpRequest request, string name, int maxLength)
    {
        var values = request.Query[name];
        if (values.Count == 0)
            return null;
        if (values.Count > 1)
            throw new OpsValidationException(name, $"'{name}' is given more than once.");
        var value = values[0];
        if (string.IsNullOrWhiteSpace(value))
            throw new OpsValidationException(name, $"'{name}' must not be blank.");
        if (value.Length > maxLength)
            throw new OpsValidationException(name, $"'{name}' may have at most {maxLength} characters.");
        if (value.Any(char.IsControl))
            throw new OpsValidationException(name, $"'{name}' must not contain control characters.");
        return value.Trim();
    }
}
