namespace Mlops.Provisioner.Stacks;

/// <summary>The keys the in-cluster MinIO and MLflow the Provisioner installs read from their Secrets (<c>minio.secret</c>, <c>mlflow.secret</c>).</summary>
public static class ComponentSecretKeys
{
    public const string MinioRootUser = "MINIO_ROOT_USER";
    public const string MinioRootPassword = "MINIO_ROOT_PASSWORD";

    /// <summary>The broker URL with its credentials, MinIO's <c>MINIO_NOTIFY_AMQP_URL_&lt;ID&gt;</c>.</summary>
    public const string MinioAmqpUrl = "MINIO_NOTIFY_AMQP_URL";

    public const string AccessKeyId = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";

    /// <summary>MLflow 3 encrypts webhook secrets with it; without it the webhook API answers 500.</summary>
    public const string WebhookEncryptionKey = "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY";

    public static IReadOnlyList<string> Minio { get; } = [MinioRootUser, MinioRootPassword, MinioAmqpUrl];

    public static IReadOnlyList<string> Mlflow(bool webhook) =>
        webhook ? [AccessKeyId, SecretAccessKey, WebhookEncryptionKey] : [AccessKeyId, SecretAccessKey];
}
