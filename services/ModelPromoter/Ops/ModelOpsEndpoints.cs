using System.Text.Json;
using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Triggers;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Ops;

namespace Mlops.ModelPromoter.Ops;

/// <summary>
/// The ModelPromoter's own ops endpoints (docs/operations.md): promote, approve, roll back and retire, each published
/// through the outbox with who asked; what each model serves with its ledger; the promotions with their gates; when each trigger source was last heard from.
/// </summary>
public static class ModelOpsEndpoints
{
    private const int MaxReasonLength = 500;

    // The store's own serialisation of saga documents (property names as declared).
    private static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.General);

    public static IEndpointRouteBuilder MapModelOps(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpsCommand("/ops/models/{model}/versions/{version}/promote", Promote,
            command => PromotionIds.Deliberate(command.ModelName, command.Version, command.RequestId!.Value));
        endpoints.MapOpsCommand("/ops/models/{model}/versions/{version}/approve", Approve)
            .AddEndpointFilter(async (context, next) => await ApprovalRefusalAsync(context.HttpContext) ?? await next(context));
        endpoints.MapOpsCommand("/ops/models/{model}/rollback", Rollback, command => ServingSagaIds.ForModel(command.ModelName))
            .AddEndpointFilter(async (context, next) => await RollbackRefusalAsync(context.HttpContext) ?? await next(context));
        endpoints.MapOpsCommand("/ops/models/{model}/retire", Retire, command => ServingSagaIds.ForModel(command.ModelName))
            .AddEndpointFilter(async (context, next) => await RetireRefusalAsync(context.HttpContext) ?? await next(context));
        endpoints.MapGet("/ops/models", ModelsAsync).RequireOpsToken();
        endpoints.MapGet("/ops/promotions", PromotionsAsync).RequireOpsToken();
        endpoints.MapGet("/ops/triggers", (TriggerActivity activity) => Results.Json(
            PromotionTriggers.Sources.Select(source => new TriggerLastSeen { Source = source, LastSeenAt = activity.LastSeen(source) }),
            OpsEndpointExtensions.Json)).RequireOpsToken();
        return endpoints;
    }

    private static PromoteModel Promote(OpsCommandRequest request, string who)
    {
        var (model, version) = ModelVersion(request);
        var body = request.OptionalBody<PromoteBody>() ?? new PromoteBody();
        if (body.Alias is not null)
            OpsCommandRequest.Require(PromotionRequestRules.IsAlias(body.Alias), "alias",
                "The alias is letters, digits, '_' and '-', up to 255 characters, and neither 'latest' nor v<number>.");
        return new PromoteModel
        {
            FlowId = request.FlowId,
            OccurredAt = request.OccurredAt,
            ModelName = model,
            Version = version,
            Alias = body.Alias,
            RequireApproval = body.RequireApproval,
            // Each request is an attempt of its own; a retry with the same Idempotency-Key is committed once.
            RequestId = Guid.NewGuid(),
            RequestedBy = who,
            Reason = Reason(body.Reason),
        };
    }

    private static ApprovePromotion Approve(OpsCommandRequest request, string who)
    {
        var (model, version) = ModelVersion(request);
        return new ApprovePromotion { FlowId = request.FlowId, OccurredAt = request.OccurredAt, ModelName = model, Version = version, ApprovedBy = who };
    }

    private static RollbackModel Rollback(OpsCommandRequest request, string who)
    {
        var model = Model(request);
        var body = request.Body<RollbackBody>();
        if (body.ToVersion is not null)
            OpsCommandRequest.Require(PromotionRequestRules.IsVersion(body.ToVersion), "toVersion", "'toVersion' is a registry version, a positive whole number such as 7.");
        return new RollbackModel
        {
            FlowId = request.FlowId,
            OccurredAt = request.OccurredAt,
            ModelName = model,
            Reason = Reason(body.Reason) ?? throw new OpsValidationException("reason", "'reason' is required: say why the model goes back."),
            ToVersion = body.ToVersion,
            RequestedBy = who,
        };
    }

    private static RetireModel Retire(OpsCommandRequest request, string who) => new()
    {
        FlowId = request.FlowId,
        OccurredAt = request.OccurredAt,
        ModelName = Model(request),
        RequestedBy = who,
        Reason = Reason((request.OptionalBody<RetireBody>() ?? new RetireBody()).Reason),
    };

    private static string Model(OpsCommandRequest request)
    {
        var model = request.Route("model", PromotionRequestRules.MaxModelNameLength);
        if (PromotionRequestRules.Problem(model, "1", null) is { } problem)
            throw new OpsValidationException("model", $"The model name is not valid: {problem}.");
        return model;
    }

    private static (string Model, string Version) ModelVersion(OpsCommandRequest request)
    {
        var model = Model(request);
        var version = request.Route("version", 20);
        OpsCommandRequest.Require(PromotionRequestRules.IsVersion(version), "version", "'version' is a registry version, a positive whole number such as 7.");
        return (model, version);
    }

    private static string? Reason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            return null;
        OpsCommandRequest.Require(reason.Length <= MaxReasonLength && !reason.Any(char.IsControl), "reason",
            $"'reason' is one line of at most {MaxReasonLength} characters.");
        return reason.Trim();
    }

    // 409 unless a promotion of that version waits for an approval: an approval that reaches none would be lost silently.
    private static async Task<IResult?> ApprovalRefusalAsync(HttpContext http)
    {
        if (RouteValue(http, "model") is not { } model || RouteValue(http, "version") is not { } version)
            return null;
        var catalog = http.RequestServices.GetRequiredService<ISagaCatalog>();
        var waiting = await catalog.ListAsync(new SagaInstanceQuery
        {
            SagaType = nameof(PromotionState), State = "WaitingForApproval", Limit = SagaInstanceQuery.MaxLimit,
        }, http.RequestAborted);
        if (waiting.Items.Select(Read<PromotionState>).Any(p => p.ModelName == model && p.ModelVersion == version))
            return null;
        return OpsProblems.Conflict($"No promotion of model {model} version {version} waits for an approval.");
    }

    // 409 when the ledger has nothing to go back to (without toVersion) or the promoter never served the model.
    private static async Task<IResult?> RollbackRefusalAsync(HttpContext http)
    {
        if (RouteValue(http, "model") is not { } model)
            return null;
        var serving = await ServingAsync(http, model);
        var named = await NamesVersionAsync(http);
        if (serving is null && !named)
            return OpsProblems.Conflict($"Model {model} was never served by this promoter: name the version to serve with 'toVersion'.");
        if (serving is not null && !named && ServingStateMachine.LastGoodBefore(serving) is null)
            return OpsProblems.Conflict($"Model {model} has served no other version successfully: there is nothing to roll back to.");
        return null;
    }

    private static async Task<IResult?> RetireRefusalAsync(HttpContext http)
    {
        if (RouteValue(http, "model") is not { } model)
            return null;
        var serving = await ServingAsync(http, model);
        return serving?.Served is null && serving?.Attempt is null
            ? OpsProblems.Conflict($"Model {model} is not served by this promoter: there is nothing to retire.")
            : null;
    }

    // Whether the rollback body names a version; the body is read again by the command itself, so it is buffered.
    private static async Task<bool> NamesVersionAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("toVersion", out var version) && version.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return true; // Malformed: let the command's own reading answer 400 with its reason.
        }
        finally
        {
            http.Request.Body.Position = 0;
        }
    }

    private static async Task<ServingState?> ServingAsync(HttpContext http, string model)
    {
        var catalog = http.RequestServices.GetRequiredService<ISagaCatalog>();
        var record = await catalog.FindAsync(ServingSagaIds.ForModel(model), nameof(ServingState), http.RequestAborted);
        return record is null ? null : Read<ServingState>(record);
    }

    private static string? RouteValue(HttpContext http, string name) =>
        http.Request.RouteValues.TryGetValue(name, out var value) && value?.ToString() is { Length: > 0 } text ? text : null;

    private static async Task<IResult> ModelsAsync(ISagaCatalog catalog, IKubernetesClient kubernetes, SecretMask mask, ILoggerFactory logs,
        CancellationToken cancellationToken)
    {
        var page = await catalog.ListAsync(new SagaInstanceQuery { SagaType = nameof(ServingState), Limit = SagaInstanceQuery.MaxLimit }, cancellationToken);
        var models = new List<ModelServingSummary>();
        foreach (var record in page.Items)
        {
            var saga = Read<ServingState>(record);
            var served = saga.Served;
            models.Add(new ModelServingSummary
            {
                Model = saga.ModelName,
                SagaId = record.CorrelationId,
                State = record.State ?? "",
                ServingVersion = served?.Version,
                Alias = served?.Alias,
                Deployment = served?.DeploymentName,
                Namespace = served?.Namespace,
                ServingSince = served?.Since,
                Replicas = served?.Replicas,
                ReadyReplicas = served is null ? null : await ReadyReplicasAsync(kubernetes, served, logs, cancellationToken),
                RollingOutVersion = saga.Attempt?.Request.Version,
                Ledger = saga.Ledger.AsEnumerable().Reverse().Select(e => new ModelLedgerLine
                {
                    Version = e.Version,
                    Alias = e.Alias,
                    Outcome = e.Outcome,
                    Reason = e.Reason is null ? null : mask.MaskText(e.Reason),
                    Trigger = e.Trigger,
                    Deliberate = e.Deliberate,
                    PromotionId = e.PromotionId,
                    StartedAt = e.StartedAt,
                    At = e.At,
                }).ToList(),
            });
        }
        return Results.Json(models.OrderBy(m => m.Model, StringComparer.Ordinal), OpsEndpointExtensions.Json);
    }

    // Read live: the saga knows what it rolled out, not whether a node died since.
    private static async Task<int?> ReadyReplicasAsync(IKubernetesClient kubernetes, ServedVersion served, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        try
        {
            var deployment = await kubernetes.GetAsync<V1Deployment>(served.DeploymentName, served.Namespace, cancellationToken);
            return deployment is null ? 0 : deployment.Status?.ReadyReplicas ?? 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logs.CreateLogger("Mlops.ModelPromoter.Ops").LogWarning("Reading Deployment {Namespace}/{Deployment} for GET /ops/models failed: {Error}",
                served.Namespace, served.DeploymentName, ex.GetType().Name);
            return null;
        }
    }

    private static async Task<IResult> PromotionsAsync(string? state, ISagaCatalog catalog, SecretMask mask, CancellationToken cancellationToken)
    {
        if (state is not null && (state.Length is 0 or > 100 || !state.All(char.IsAsciiLetterOrDigit)))
            return OpsProblems.BadRequest("state", "'state' is a promotion state name, e.g. WaitingForApproval.");
        var page = await catalog.ListAsync(new SagaInstanceQuery
        {
            SagaType = nameof(PromotionState), State = state, Limit = SagaInstanceQuery.MaxLimit,
        }, cancellationToken);
        var promotions = page.Items.Select(record =>
        {
            var promotion = Read<PromotionState>(record);
            var reason = promotion.FailedStep?.Reason ?? promotion.OutcomeReason;
            return new PromotionSummary
            {
                SagaId = record.CorrelationId,
                FlowId = promotion.FlowId,
                Model = promotion.ModelName,
                Version = promotion.ModelVersion,
                State = record.State ?? "",
                Trigger = promotion.Trigger,
                Deliberate = promotion.Deliberate,
                Alias = promotion.Alias ?? promotion.RequestedAlias,
                Gates = promotion.GateResults,
                Metrics = promotion.Metrics,
                AwaitingApproval = record.State == "WaitingForApproval",
                ApproveBy = record.State == "WaitingForApproval" ? promotion.ApproveBy : null,
                ApprovedBy = promotion.ApprovedBy,
                Outcome = promotion.Outcome,
                Reason = reason is null ? null : mask.MaskText(reason),
                UpdatedAt = record.UpdatedAt,
            };
        }).ToList();
        return Results.Json(promotions, OpsEndpointExtensions.Json);
    }

    private static T Read<T>(SagaInstanceRecord record) where T : class =>
        JsonSerializer.Deserialize<T>(record.Data, StoreJson) ?? throw new InvalidOperationException($"Stored {typeof(T).Name} {record.CorrelationId} has an empty document.");
}
