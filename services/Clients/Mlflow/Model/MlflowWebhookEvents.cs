namespace Mlops.Clients.Mlflow.Model;

/// <summary>The registry events the product subscribes to, as MLflow 3 names them.</summary>
public static class MlflowWebhookEvents
{
    public static MlflowWebhookEvent ModelVersionCreated { get; } = new() { Entity = "MODEL_VERSION", Action = "CREATED" };

    public static MlflowWebhookEvent ModelVersionAliasCreated { get; } = new() { Entity = "MODEL_VERSION_ALIAS", Action = "CREATED" };

    public static MlflowWebhookEvent ModelVersionAliasDeleted { get; } = new() { Entity = "MODEL_VERSION_ALIAS", Action = "DELETED" };
}
