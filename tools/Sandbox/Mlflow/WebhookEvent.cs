using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>A registry event a webhook can subscribe to, e.g. <c>model_version.created</c>.</summary>
public sealed record WebhookEvent(string Entity, string Action)
{
    public static readonly WebhookEvent RegisteredModelCreated = new("registered_model", "created");
    public static readonly WebhookEvent ModelVersionCreated = new("model_version", "created");
    public static readonly WebhookEvent ModelVersionTagSet = new("model_version_tag", "set");
    public static readonly WebhookEvent ModelVersionTagDeleted = new("model_version_tag", "deleted");
    public static readonly WebhookEvent ModelVersionAliasCreated = new("model_version_alias", "created");
    public static readonly WebhookEvent ModelVersionAliasDeleted = new("model_version_alias", "deleted");

    /// <summary>The events this stand-in delivers (MLflow's model registry events).</summary>
    public static readonly IReadOnlyList<WebhookEvent> Supported =
    [
        RegisteredModelCreated, ModelVersionCreated, ModelVersionTagSet, ModelVersionTagDeleted,
        ModelVersionAliasCreated, ModelVersionAliasDeleted,
    ];

    public override string ToString() => $"{Entity}.{Action}";

    /// <summary>In the REST API the enum names are upper case (<c>MODEL_VERSION</c>, <c>CREATED</c>).</summary>
    public JsonObject ToJson() => new()
    {
        ["entity"] = Entity.ToUpperInvariant(),
        ["action"] = Action.ToUpperInvariant(),
    };

    /// <summary>Accepts the enum names in either case; null for an entity and action MLflow does not pair.</summary>
    public static WebhookEvent? Parse(string? entity, string? action)
    {
        if (entity is null || action is null)
            return null;
        var candidate = new WebhookEvent(entity.ToLowerInvariant(), action.ToLowerInvariant());
        return Supported.Contains(candidate) ? candidate : null;
    }
}
