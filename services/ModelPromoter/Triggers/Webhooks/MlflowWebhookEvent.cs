using System.Globalization;
using System.Text.Json;

namespace Mlops.ModelPromoter.Triggers.Webhooks;

/// <summary>
/// The body of an MLflow 3 delivery, <c>{"entity", "action", "timestamp", "data"}</c>, read for the three events the
/// promoter acts on. <see cref="IsTest"/>: MLflow's test delivery (its example payload), answered and acted on never.
/// </summary>
public sealed record MlflowWebhookEvent
{
    public const string ModelVersionCreated = "model_version.created";
    public const string AliasCreated = "model_version_alias.created";
    public const string AliasDeleted = "model_version_alias.deleted";

    /// <summary>e.g. <c>model_version.created</c>, lower case.</summary>
    public required string Name { get; init; }

    public string? ModelName { get; init; }

    public string? Version { get; init; }

    public string? Alias { get; init; }

    public string? RunId { get; init; }

    public string? Source { get; init; }

    /// <summary>When MLflow says the event happened (the body's ISO 8601 <c>timestamp</c>); null when absent or unreadable.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public bool IsTest { get; init; }

    /// <summary>Reads a body; throws <see cref="FormatException"/> with what is wrong.</summary>
    public static MlflowWebhookEvent Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the body is not JSON: {ex.Message}", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("the body is not a JSON object");
            var entity = Text(root, "entity") ?? throw new FormatException("the body has no entity");
            var action = Text(root, "action") ?? throw new FormatException("the body has no action");
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                throw new FormatException("the body has no data object");
            var name = $"{entity.ToLowerInvariant()}.{action.ToLowerInvariant()}";
            var parsed = new MlflowWebhookEvent
            {
                Name = name,
                ModelName = Text(data, "name"),
                Version = Text(data, "version"),
                Alias = Text(data, "alias"),
                RunId = Text(data, "run_id"),
                Source = Text(data, "source"),
                // Only ordering uses it, and the signed header's time stands in, so a body without it is not refused.
                Timestamp = DateTimeOffset.TryParse(Text(root, "timestamp"), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null,
            };
            return parsed with { IsTest = IsExample(parsed) };
        }
    }

    // MLflow's example payloads (mlflow/webhooks/types.py), which POST …/webhooks/{id}/test sends.
    private static bool IsExample(MlflowWebhookEvent e) => e.ModelName == "example_model" && e.Name switch
    {
        ModelVersionCreated => e.Version == "1" && e.Source == "models:/123" && e.RunId == "abcd1234abcd5678",
        AliasCreated => e.Alias == "example_alias" && e.Version == "1",
        AliasDeleted => e.Alias == "example_alias",
        _ => true,
    };

    private static string? Text(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value))
            return null;
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
        }
        catch (InvalidOperationException ex)
        {
            // JSON may escape half of a surrogate pair ("\uD800"), which no .NET string can hold.
            throw new FormatException($"the body's {property} is not text: {ex.Message}", ex);
        }
    }
}
