using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>The example payload MLflow 3 sends from <c>POST …/webhooks/{id}/test</c> for each event (mlflow/webhooks/types.py).</summary>
public static class WebhookExamples
{
    public static JsonObject PayloadOf(WebhookEvent @event) => @event.ToString() switch
    {
        "registered_model.created" => new JsonObject
        {
            ["name"] = "example_model",
            ["tags"] = new JsonObject { ["example_key"] = "example_value" },
            ["description"] = "An example registered model",
        },
        "model_version.created" => new JsonObject
        {
            ["name"] = "example_model",
            ["version"] = "1",
            ["source"] = "models:/123",
            ["run_id"] = "abcd1234abcd5678",
            ["tags"] = new JsonObject { ["example_key"] = "example_value" },
            ["description"] = "An example model version",
        },
        "model_version_tag.set" => new JsonObject { ["name"] = "example_model", ["version"] = "1", ["key"] = "example_key", ["value"] = "example_value" },
        "model_version_tag.deleted" => new JsonObject { ["name"] = "example_model", ["version"] = "1", ["key"] = "example_key" },
        "model_version_alias.created" => new JsonObject { ["name"] = "example_model", ["alias"] = "example_alias", ["version"] = "1" },
        "model_version_alias.deleted" => new JsonObject { ["name"] = "example_model", ["alias"] = "example_alias" },
        _ => throw new ArgumentException($"Unknown event type: {@event}", nameof(@event)),
    };
}
