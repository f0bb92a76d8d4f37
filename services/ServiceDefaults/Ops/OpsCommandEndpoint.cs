using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;
using Mlops.SagaStore;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>The handler behind <see cref="OpsEndpointExtensions.MapOpsCommand{TCommand}"/>: validate, commit to the outbox, then answer.</summary>
internal static class OpsCommandEndpoint
{
    /// <summary>Request header that makes a retried request a no-op: the same key on the same endpoint is committed once.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static async Task<IResult> HandleAsync<TCommand>(HttpContext http, string pattern, Func<OpsCommandRequest, string, TCommand> create,
        Func<TCommand, Guid?>? sagaIdOf, OpsCommandOutbox outbox, ILogger logger, CancellationToken cancellationToken)
        where TCommand : class
    {
        var who = http.OpsCaller();
        TCommand command;
        string? key;
        try
        {
            var request = await ReadAsync(http, cancellationToken);
            key = IdempotencyKey(http, pattern);
            command = create(request, who) ?? throw new InvalidOperationException($"The factory of {pattern} returned no command.");
            if (command is IFlowMessage { FlowId: var flow } && flow == Guid.Empty)
                throw new InvalidOperationException($"The factory of {pattern} made a {typeof(TCommand).Name} without a FlowId; use request.FlowId.");
        }
        catch (OpsValidationException ex)
        {
            return OpsProblems.BadRequest(ex.Errors);
        }

        var name = typeof(TCommand).Name;
        OutboxCommitResult result;
        Guid messageId;
        try
        {
            (result, messageId) = await outbox.PublishAsync(command, who, key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Command} asked by {RequestedBy} on {Path} not committed: {Error}", name, who, http.Request.Path, ex.GetType().Name);
            return OpsProblems.StoreUnavailable($"{name} was not committed, so nothing was sent; try again when the service is ready.");
        }
        var duplicate = result == OutboxCommitResult.AlreadyRecorded;
        logger.LogInformation("{Command} asked by {RequestedBy} on {Path}: {Outcome}", name, who, http.Request.Path,
            duplicate ? "repeated request, nothing sent" : "committed");
        var flowId = (command as IFlowMessage)?.FlowId;
        var answer = new OpsAccepted
        {
            Command = name,
            MessageId = duplicate ? null : messageId,
            FlowId = flowId,
            SagaId = sagaIdOf?.Invoke(command),
            RequestedBy = who,
            Duplicate = duplicate,
        };
        if (duplicate)
            return Results.Json(answer, OpsEndpointExtensions.Json);
        if (flowId is { } id)
            http.Response.Headers.Location = $"/ops/flows/{id}";
        return Results.Json(answer, OpsEndpointExtensions.Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Reads the body (bounded) and the caller's FlowId; a body too long or a malformed FlowId is refused.</summary>
    public static async Task<OpsCommandRequest> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > OpsCommandRequest.MaxBodyBytes)
            throw new OpsValidationException("body", $"The body may have at most {OpsCommandRequest.MaxBodyBytes} bytes.");
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > OpsCommandRequest.MaxBodyBytes)
                throw new OpsValidationException("body", $"The body may have at most {OpsCommandRequest.MaxBodyBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        string body;
        try
        {
            body = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new OpsValidationException("body", "The body is not UTF-8 text.");
        }

        var flowId = Guid.NewGuid();
        var header = http.Request.Headers[OpsCommandRequest.FlowIdHeader];
        if (header.Count > 0 && (header.Count > 1 || !Guid.TryParse(header[0], out flowId) || flowId == Guid.Empty))
            throw new OpsValidationException(OpsCommandRequest.FlowIdHeader, "The FlowId header holds one GUID (not all zeros).");
        return new OpsCommandRequest(http, body, flowId, DateTimeOffset.UtcNow);
    }

    private static string? IdempotencyKey(HttpContext http, string pattern)
    {
        var header = http.Request.Headers[IdempotencyKeyHeader];
        if (header.Count == 0)
            return null;
        var key = header[0];
        if (header.Count > 1 || string.IsNullOrWhiteSpace(key) || key.Length > 200 || key.Any(char.IsControl))
            throw new OpsValidationException(IdempotencyKeyHeader, "The Idempotency-Key header is one line of 1 to 200 characters.");
        return $"command/{pattern}/{key}";
    }
}
