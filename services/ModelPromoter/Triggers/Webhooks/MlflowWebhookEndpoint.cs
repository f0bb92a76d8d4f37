using Microsoft.Extensions.Options;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Sagas;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Messaging;

namespace Mlops.ModelPromoter.Triggers.Webhooks;

/// <summary>
/// <c>POST /webhooks/mlflow</c>: MLflow 3's registry webhooks. A delivery is verified (signature over the raw bytes, its
/// timestamp), then its trigger and its delivery id are committed to the saga store's outbox in one transaction, and only
/// then answered 2xx. A delivery id processed before is refused (409) and changes nothing; one that failed (5xx) is
/// accepted when MLflow retries it with the same id. MLflow's test delivery is answered 200 and starts nothing.
/// </summary>
public static class MlflowWebhookEndpoint
{
    public const string Path = "/webhooks/mlflow";

    /// <summary>The outbox record kind under which processed delivery ids are kept (shared by the service's replicas).</summary>
    public const string DeliveryRecord = "mlflow-webhook-delivery";

    public static IEndpointRouteBuilder MapMlflowWebhook(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Path, ReceiveAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, ISagaStoreOutbox outbox, IOptionsSnapshot<MlflowWebhookSettings> options,
        ModelPolicies policies, TriggerActivity activity, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var logger = loggers.CreateLogger(typeof(MlflowWebhookEndpoint).FullName!);
        var body = await ReadBoundedAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
            return Refuse(logger, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {settings.MaxBodyBytes} bytes");

        var secret = await SecretAsync(settings, cancellationToken);
        var check = MlflowWebhookSignature.Check(
            Header(request, MlflowWebhookSignature.DeliveryIdHeader), Header(request, MlflowWebhookSignature.TimestampHeader),
            Header(request, MlflowWebhookSignature.SignatureHeader), body, secret, time.GetUtcNow(), settings.Tolerance);
        if (!check.Accepted)
            return Refuse(logger, check.Status, check.Reason);
        activity.Seen(PromotionTriggers.Webhook);
        var deliveryId = check.DeliveryId.ToString("D");

        MlflowWebhookEvent delivered;
        try
        {
            delivered = MlflowWebhookEvent.Parse(body);
        }
        catch (FormatException ex)
        {
            return Refuse(logger, StatusCodes.Status400BadRequest, ex.Message);
        }
        if (delivered.IsTest)
        {
            logger.LogInformation("MLflow test delivery {DeliveryId} ({Event}) received: webhooks reach the promoter", deliveryId, delivered.Name);
            return Results.Ok(new { status = "test delivery received; nothing started" });
        }
        if (Problem(delivered) is { } problem)
            return Refuse(logger, StatusCodes.Status400BadRequest, problem);

        try
        {
            if (await outbox.HasRecordAsync(DeliveryRecord, deliveryId, cancellationToken))
                return Repeated(logger, deliveryId);
            var now = time.GetUtcNow();
            var result = await outbox.CommitAsync(async tx =>
            {
                tx.Record(DeliveryRecord, deliveryId, delivered.Name);
                if (Trigger(delivered, check.DeliveryId, delivered.Timestamp ?? check.At ?? now, policies, now) is { } trigger)
                    await tx.Publisher.Publish(trigger, trigger.GetType(), cancellationToken);
            }, cancellationToken);
            if (result == OutboxCommitResult.AlreadyRecorded)
                return Repeated(logger, deliveryId);
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Nothing was committed, so MLflow's retry with the same delivery id is taken as new.
            var reason = TransientErrors.Classify(ex).Reason;
            logger.LogWarning("MLflow delivery {DeliveryId} not taken, MLflow will retry it: {Reason}", deliveryId, reason);
            return Results.Json(new { error = $"the promoter's store is unavailable: {reason}" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        logger.LogInformation("MLflow delivery {DeliveryId} ({Event} of {Model} {Version}{Alias}) taken", deliveryId, delivered.Name,
            PromotionRequestRules.Printable(delivered.ModelName), delivered.Version, delivered.Alias is null ? "" : $" alias {delivered.Alias}");
        return Results.Ok(new { status = "accepted" });
    }

    /// <summary>What a delivery asks of the promoter; null for events it only records.</summary>
    private static object? Trigger(MlflowWebhookEvent delivered, Guid deliveryId, DateTimeOffset happenedAt, ModelPolicies policies, DateTimeOffset now) =>
        delivered.Name switch
    {
        MlflowWebhookEvent.ModelVersionCreated => new PromotionTriggered
        {
            FlowId = Guid.Empty,
            OccurredAt = now,
            ModelName = delivered.ModelName!,
            Version = delivered.Version!,
            Trigger = PromotionTriggers.Webhook,
            RunId = delivered.RunId,
            Source = delivered.Source,
        },
        MlflowWebhookEvent.AliasCreated or MlflowWebhookEvent.AliasDeleted when delivered.Alias == policies.For(delivered.ModelName!).TargetAlias => new RegistryAliasObserved
        {
            FlowId = Guid.Empty,
            OccurredAt = now,
            ModelName = delivered.ModelName!,
            Alias = delivered.Alias,
            Version = delivered.Name == MlflowWebhookEvent.AliasCreated ? delivered.Version : null,
            SeenAt = happenedAt,
            Source = PromotionTriggers.Webhook,
            ObservationId = deliveryId,
        },
        _ => null,
    };

    private static string? Problem(MlflowWebhookEvent delivered) => delivered.Name switch
    {
        MlflowWebhookEvent.ModelVersionCreated or MlflowWebhookEvent.AliasCreated =>
            PromotionRequestRules.Problem(delivered.ModelName, delivered.Version, delivered.Name == MlflowWebhookEvent.AliasCreated ? delivered.Alias ?? "" : null),
        MlflowWebhookEvent.AliasDeleted => PromotionRequestRules.Problem(delivered.ModelName, "1", delivered.Alias ?? ""),
        _ => null,
    };

    private static IResult Repeated(ILogger logger, string deliveryId) =>
        Refuse(logger, StatusCodes.Status409Conflict, $"delivery {deliveryId} was processed already");

    private static IResult Refuse(ILogger logger, int status, string reason)
    {
        logger.LogWarning("MLflow webhook delivery refused with {Status}: {Reason}", status, reason);
        return Results.Json(new { error = reason }, statusCode: status);
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    // The secret is read at each delivery, so a rotated Secret file takes effect without a restart.
    private static async Task<string?> SecretAsync(MlflowWebhookSettings settings, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(settings.Secret))
            return settings.Secret;
        if (string.IsNullOrEmpty(settings.SecretFile) || !File.Exists(settings.SecretFile))
            return null;
        return (await File.ReadAllTextAsync(settings.SecretFile, cancellationToken)).Trim();
    }

    // The raw bytes as sent, at most max: the signature covers exactly them.
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
