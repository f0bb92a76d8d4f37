using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;
using Mlops.SagaStore;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>The saga endpoints of the ops API: list, show, replay, cancel, and this service's part of a flow.</summary>
internal static class OpsSagaEndpoints
{
    public const int PageSize = 50;

    /// <summary>Deeper pages cost the store too much per request (each saga type is read up to the page).</summary>
    public const int MaxPage = 200;

    public static async Task<IResult> ListAsync(HttpContext http, ISagaCatalog catalog, OpsSagaTypes types, SecretMask mask,
        ServiceIdentity identity, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var type = QueryValue(http, "type", errors);
        var state = QueryValue(http, "state", errors);
        var flow = QueryValue(http, "flowId", errors);
        var pageText = QueryValue(http, "page", errors);
        if (type is not null && !catalog.SagaTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            errors["type"] = [$"Unknown saga type '{type}'; this service has {Names(catalog)}."];
        if (flow is not null && !Guid.TryParse(flow, out _))
            errors["flowId"] = ["A FlowId is a GUID."];
        var page = 1;
        if (pageText is not null && (!int.TryParse(pageText, out page) || page < 1 || page > MaxPage))
            errors["page"] = [$"The page is a whole number from 1 to {MaxPage}."];
        if (errors.Count > 0)
            return OpsProblems.BadRequest(errors);

        var result = await catalog.ListAsync(new SagaInstanceQuery
        {
            SagaType = type,
            State = state,
            FlowId = flow is null ? null : Guid.Parse(flow).ToString(),
            Offset = (page - 1) * PageSize,
            Limit = PageSize,
        }, cancellationToken);
        return Json(new OpsSagaPage
        {
            Service = identity.Name,
            Items = result.Items.Select(r => OpsSagaSummary.From(r, types.Find(r.SagaType), mask)).ToArray(),
            Page = page,
            PageSize = PageSize,
            NextPage = result.HasMore ? page + 1 : null,
        });
    }

    public static async Task<IResult> ShowAsync(string id, HttpContext http, ISagaCatalog catalog, OpsSagaTypes types, SecretMask mask,
        ServiceIdentity identity, CancellationToken cancellationToken)
    {
        var (record, problem) = await FindAsync(id, http, catalog, cancellationToken);
        if (record is null)
            return problem!;
        var type = types.Find(record.SagaType);
        var history = (await catalog.HistoryAsync(record.CorrelationId, record.SagaType, cancellationToken))
            .Select(e => OpsHistoryLine.From(e, mask)).ToArray();
        var summary = OpsSagaSummary.From(record, type, mask);
        return Json(new OpsSagaDetail
        {
            Service = identity.Name,
            Saga = summary,
            Data = mask.MaskJson(record.Data),
            History = history,
            LastError = LastError(summary, history, record, mask),
            ReplayRefusal = type is null ? NotAStateMachine(record) : type.ReplayRefusal(record),
        });
    }

    public static async Task<IResult> ReplayAsync(string id, HttpContext http, ISagaCatalog catalog, OpsSagaTypes types,
        OpsCommandOutbox outbox, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var (record, problem) = await FindAsync(id, http, catalog, cancellationToken);
        if (record is null)
            return problem!;
        var type = types.Find(record.SagaType);
        if ((type is null ? NotAStateMachine(record) : type.ReplayRefusal(record)) is { } refusal)
            return OpsProblems.Conflict(refusal);
        var failure = type!.FailedStep(record)!;
        var who = http.OpsCaller();
        var command = new ReplaySaga
        {
            FlowId = FlowIdOf(record),
            OccurredAt = DateTimeOffset.UtcNow,
            SagaType = record.SagaType,
            CorrelationId = record.CorrelationId,
            RequestedBy = who,
        };
        // One replay per failure: the key names the failure, so asking again before it is processed sends nothing more.
        var key = $"replay/{record.SagaType}/{record.CorrelationId}/{failure.Step}/{failure.FailedAt.UtcTicks}";
        return await CommitAsync(command, who, key, record, outbox, logs, cancellationToken);
    }

    public static async Task<IResult> CancelAsync(string id, HttpContext http, ISagaCatalog catalog, OpsSagaTypes types,
        OpsCommandOutbox outbox, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var (record, problem) = await FindAsync(id, http, catalog, cancellationToken);
        if (record is null)
            return problem!;
        string? reason;
        try
        {
            var request = await OpsCommandEndpoint.ReadAsync(http, cancellationToken);
            reason = request.OptionalBody<CancelBody>()?.Reason?.Trim();
            OpsCommandRequest.Require(reason is null || (reason.Length <= 500 && !reason.Any(char.IsControl)), "reason",
                "The reason is one line of at most 500 characters.");
        }
        catch (OpsValidationException ex)
        {
            return OpsProblems.BadRequest(ex.Errors);
        }
        var type = types.Find(record.SagaType);
        if ((type is null ? NotAStateMachine(record) : type.CancelRefusal(record)) is { } refusal)
            return OpsProblems.Conflict(refusal);
        var who = http.OpsCaller();
        var command = new CancelSaga
        {
            FlowId = FlowIdOf(record),
            OccurredAt = DateTimeOffset.UtcNow,
            SagaType = record.SagaType,
            CorrelationId = record.CorrelationId,
            RequestedBy = who,
            Reason = string.IsNullOrEmpty(reason) ? null : reason,
        };
        // One cancel per version of the saga: a repeated click before it is processed sends nothing more.
        var key = $"cancel/{record.SagaType}/{record.CorrelationId}/{record.Version}";
        return await CommitAsync(command, who, key, record, outbox, logs, cancellationToken);
    }

    public static async Task<IResult> FlowAsync(string flowId, ISagaCatalog catalog, OpsSagaTypes types, SecretMask mask,
        ServiceIdentity identity, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(flowId, out var flow))
            return OpsProblems.BadRequest("flowId", "A FlowId is a GUID.");
        var sagas = new List<SagaInstanceRecord>();
        int? offset = 0;
        // A flow has a handful of sagas per service; the bound only keeps a runaway flow from loading a table.
        while (offset is { } at && sagas.Count < SagaInstanceQuery.MaxLimit)
        {
            var page = await catalog.ListAsync(new SagaInstanceQuery { FlowId = flow.ToString(), Offset = at, Limit = 100 }, cancellationToken);
            sagas.AddRange(page.Items);
            offset = page.NextOffset;
        }
        var timeline = new List<OpsHistoryLine>();
        foreach (var saga in sagas)
        {
            timeline.AddRange((await catalog.HistoryAsync(saga.CorrelationId, saga.SagaType, cancellationToken))
                .Select(e => OpsHistoryLine.From(e, mask)));
        }
        return Json(new OpsFlow
        {
            Service = identity.Name,
            FlowId = flow,
            Sagas = sagas.OrderBy(s => s.CreatedAt).Select(s => OpsSagaSummary.From(s, types.Find(s.SagaType), mask)).ToArray(),
            Timeline = timeline.OrderBy(l => l.At).ThenBy(l => l.Sequence).ToArray(),
        });
    }

    private static async Task<IResult> CommitAsync<T>(T command, string who, string key, SagaInstanceRecord record,
        OpsCommandOutbox outbox, ILoggerFactory logs, CancellationToken cancellationToken)
        where T : class, IFlowMessage
    {
        var logger = logs.CreateLogger("Mlops.ServiceDefaults.Ops");
        var name = typeof(T).Name;
        OutboxCommitResult result;
        Guid messageId;
        try
        {
            (result, messageId) = await outbox.PublishAsync(command, who, key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Command} of {SagaType} {CorrelationId} asked by {RequestedBy} not committed: {Error}", name,
                record.SagaType, record.CorrelationId, who, ex.GetType().Name);
            return OpsProblems.StoreUnavailable($"{name} was not committed, so nothing was sent; try again when the service is ready.");
        }
        var duplicate = result == OutboxCommitResult.AlreadyRecorded;
        logger.LogInformation("{Command} of {SagaType} {CorrelationId} asked by {RequestedBy}: {Outcome}", name, record.SagaType,
            record.CorrelationId, who, duplicate ? "already asked for, nothing sent" : "committed");
        var answer = new OpsAccepted
        {
            Command = name,
            MessageId = duplicate ? null : messageId,
            FlowId = command.FlowId,
            SagaId = record.CorrelationId,
            RequestedBy = who,
            Duplicate = duplicate,
        };
        return duplicate ? Json(answer) : Results.Json(answer, OpsEndpointExtensions.Json, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<(SagaInstanceRecord? Record, IResult? Problem)> FindAsync(string id, HttpContext http, ISagaCatalog catalog,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var correlationId))
            return (null, OpsProblems.BadRequest("id", "A saga id is a GUID."));
        var errors = new Dictionary<string, string[]>();
        var type = QueryValue(http, "type", errors);
        if (type is not null && !catalog.SagaTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            errors["type"] = [$"Unknown saga type '{type}'; this service has {Names(catalog)}."];
        if (errors.Count > 0)
            return (null, OpsProblems.BadRequest(errors));
        var record = await catalog.FindAsync(correlationId, type, cancellationToken);
        return record is null
            ? (null, OpsProblems.NotFound($"No saga {correlationId} in this service{(type is null ? "" : $" of type {type}")}."))
            : (record, null);
    }

    private static OpsLastError? LastError(OpsSagaSummary summary, IReadOnlyList<OpsHistoryLine> history, SagaInstanceRecord record,
        SecretMask mask)
    {
        if (summary.Failed is { } failed)
            return new OpsLastError { Source = "failed-step", Reason = failed.Reason, At = failed.FailedAt, Step = failed.Step };
        if (history.LastOrDefault(h => h.Error is not null) is { } line)
            return new OpsLastError { Source = "history", Reason = line.Error!, At = line.At, Event = line.Event };
        if (PendingReason(record) is { } pending)
            return new OpsLastError { Source = "pending-step", Reason = mask.MaskText(pending.Reason), At = pending.At, Step = pending.Step };
        return null;
    }

    // The step waiting to be retried is in the document of any saga that runs steps.
    private static (string Step, string Reason, DateTimeOffset? At)? PendingReason(SagaInstanceRecord record)
    {
        using var document = System.Text.Json.JsonDocument.Parse(record.Data);
        if (!document.RootElement.TryGetProperty("PendingStep", out var pending) || pending.ValueKind != System.Text.Json.JsonValueKind.Object)
            return null;
        if (!pending.TryGetProperty("LastReason", out var reason) || reason.GetString() is not { } text)
            return null;
        DateTimeOffset? at = pending.TryGetProperty("LastAttemptAt", out var last) && last.TryGetDateTimeOffset(out var when) ? when : null;
        return (pending.TryGetProperty("Step", out var step) ? step.GetString() ?? "" : "", text, at);
    }

    private static string? QueryValue(HttpContext http, string name, Dictionary<string, string[]> errors)
    {
        var values = http.Request.Query[name];
        if (values.Count == 0)
            return null;
        var value = values[0];
        if (values.Count > 1)
            errors[name] = [$"'{name}' is given more than once."];
        else if (string.IsNullOrWhiteSpace(value))
            errors[name] = [$"'{name}' must not be blank."];
        else if (value.Length > 200 || value.Any(char.IsControl))
            errors[name] = [$"'{name}' must be one line of at most 200 characters."];
        else
            return value.Trim();
        return null;
    }

    private static Guid FlowIdOf(SagaInstanceRecord record) => Guid.TryParse(record.FlowId, out var flow) ? flow : Guid.Empty;

    private static string NotAStateMachine(SagaInstanceRecord record) =>
        $"{record.SagaType} {record.CorrelationId} is not run by a state machine of this service, so the ops API cannot drive it.";

    private static string Names(ISagaCatalog catalog) =>
        catalog.SagaTypes.Count == 0 ? "no saga types" : string.Join(", ", catalog.SagaTypes);

    private static IResult Json<T>(T value) => Results.Json(value, OpsEndpointExtensions.Json);

    /// <summary>The optional body of <c>POST /ops/sagas/{id}/cancel</c>.</summary>
    private sealed record CancelBody(string? Reason);
}
