using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>An MLflow 3 webhook: a URL, the registry events it wants and the secret that signs deliveries.</summary>
public sealed class Webhook
{
    public required string WebhookId { get; init; }

    public required string Name { get; set; }

    public string Description { get; set; } = "";

    public required Uri Url { get; set; }

    public required IReadOnlyList<WebhookEvent> Events { get; set; }

    /// <summary>Never returned by the API, as in MLflow.</summary>
    public string? Secret { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public long CreationTimestamp { get; init; }

    public long LastUpdatedTimestamp { get; set; }

    public bool IsActive => Status == "ACTIVE";

    public JsonObject ToJson() => new()
    {
        ["webhook_id"] = WebhookId,
        ["name"] = Name,
        ["description"] = Description,
        ["url"] = Url.ToString(),
        ["events"] = new JsonArray(Events.Select(e => (JsonNode)e.ToJson()).ToArray()),
        ["status"] = Status,
        ["creation_timestamp"] = CreationTimestamp,
        ["last_updated_timestamp"] = LastUpdatedTimestamp,
    };
}
