using Mlops.Contracts;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// A Secret the stack needs and every key it must hold: the keys declared with it, and those the credentials, the webhook
/// and the installed components read from it. A Secret those name but <c>secrets</c> does not declare is verified as it is.
/// </summary>
public sealed record RequiredSecret(string Namespace, string Name, IReadOnlyList<string> Keys, string? SealedSecretManifest)
{
    /// <summary><c>namespace/name</c>, as failures name it.</summary>
    public string Path => $"{Namespace}/{Name}";

    /// <summary>The stack's Secrets in declaration order, then those only referred to.</summary>
    public static IReadOnlyList<RequiredSecret> Of(ProvisionStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var secrets = new List<RequiredSecret>();
        foreach (var secret in stack.Secrets)
            Add(secret.Namespace ?? stack.Namespace, secret.Name, secret.RequiredKeys, secret.SealedSecretManifest);
        Add(stack.Namespace, stack.Credentials.SecretName, [stack.Credentials.AccessKeyIdKey, stack.Credentials.SecretAccessKeyKey], null);
        foreach (var extra in stack.ExtraNamespaces)
            Add(extra.Name, extra.Credentials.SecretName, [extra.Credentials.AccessKeyIdKey, extra.Credentials.SecretAccessKeyKey], null);
        if (stack.Mlflow.Webhook is { } webhook)
            Add(stack.Namespace, webhook.SecretName, [webhook.SecretKey], null);
        if (stack.Minio is { Install: true, Secret: { } minioSecret } && ClusterAddress.Parse(stack.Minio.Endpoint) is { } minio)
            Add(minio.Namespace, minioSecret, ComponentSecretKeys.Minio, null);
        if (stack.Mlflow is { Install: true, Secret: { } mlflowSecret } && ClusterAddress.Parse(stack.Mlflow.TrackingUri) is { } mlflow)
            Add(mlflow.Namespace, mlflowSecret, ComponentSecretKeys.Mlflow(stack.Mlflow.Webhook is not null), null);
        return secrets;

        void Add(string ns, string name, IReadOnlyList<string> keys, string? manifest)
        {
            var index = secrets.FindIndex(s => s.Namespace == ns && s.Name == name);
            if (index < 0)
            {
                secrets.Add(new RequiredSecret(ns, name, keys.Distinct(StringComparer.Ordinal).ToList(), manifest));
                return;
            }
            var known = secrets[index];
            secrets[index] = known with { Keys = known.Keys.Concat(keys).Distinct(StringComparer.Ordinal).ToList(), SealedSecretManifest = known.SealedSecretManifest ?? manifest };
        }
    }
}
