using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Contracts;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// The rules a <see cref="ProvisionStack"/> must keep before anything outside is called, whoever sent it (the stack file
/// loaded at start, <c>mlopsctl stack apply</c>, another service): names as Kubernetes and S3 allow them, known event
/// names, filters only where events are sent, Secrets that hold the keys the stack reads. Each problem names its field
/// as the stack file does (<c>buckets[0].name</c>); no value that could be a secret is repeated.
/// </summary>
public static class StackRules
{
    public const string SealedSecretApiVersion = "bitnami.com/v1alpha1";

    private static readonly string[] ExchangeTypes = ["direct", "fanout", "topic", "headers"];

    /// <summary>Every problem of <paramref name="stack"/>, empty when it may be provisioned.</summary>
    public static IReadOnlyList<string> Check(ProvisionStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var problems = new List<string>();
        void Rule(string field, string? value, Func<string, string?> rule, bool quote = true)
        {
            if (value is null)
            {
                problems.Add($"{field} is required");
                return;
            }
            if (rule(value) is { } problem)
                problems.Add(quote ? $"{field} '{Shown(value)}' {problem}" : $"{field} {problem}");
        }

        Rule("name", stack.StackName, NamingRules.DnsLabel);
        Rule("namespace", stack.Namespace, NamingRules.DnsLabel);
        var namespaces = new List<string> { stack.Namespace };
        for (var i = 0; i < stack.ExtraNamespaces.Count; i++)
        {
            var extra = stack.ExtraNamespaces[i];
            Rule($"namespaces[{i}].name", extra.Name, NamingRules.DnsLabel);
            if (namespaces.Contains(extra.Name, StringComparer.Ordinal))
                problems.Add($"namespaces[{i}].name '{Shown(extra.Name)}' is listed twice (the stack's own namespace counts)");
            namespaces.Add(extra.Name);
            Credentials($"namespaces[{i}].credentials", extra.Credentials);
        }
        Credentials("credentials", stack.Credentials);

        Rule("minio.endpoint", stack.Minio.Endpoint, NamingRules.ServerUrl, quote: false);
        Component("minio", stack.Minio.Install, stack.Minio.Endpoint, "endpoint", stack.Minio.Secret);
        var target = stack.Minio.Target;
        Rule("minio.notificationTarget.id", target.Id, NamingRules.TargetId);
        Rule("minio.notificationTarget.exchange", target.Exchange, NamingRules.ExchangeName);
        Rule("minio.notificationTarget.exchangeType", target.ExchangeType, t => ExchangeTypes.Contains(t) ? null : $"must be one of {string.Join(", ", ExchangeTypes)}");
        if (target.DeliveryMode is not (1 or 2))
            problems.Add($"minio.notificationTarget.deliveryMode {target.DeliveryMode} must be 1 (transient) or 2 (persistent)");
        if (target.RoutingKey is { } routingKey && (routingKey.Length > 255 || routingKey.Any(char.IsControl)))
            problems.Add("minio.notificationTarget.routingKey must be at most 255 characters without control characters");
        Rule("minio.notificationTarget.queueDir", target.QueueDir, QueueDir);
        if (stack.Minio.Install && target.QueueDir is { } queueDir && !queueDir.StartsWith("/data/", StringComparison.Ordinal))
            problems.Add($"minio.notificationTarget.queueDir '{Shown(queueDir)}' must be on the installed MinIO's volume, under /data/, or events waiting for the broker are lost when the pod restarts");

        Rule("mlflow.trackingUri", stack.Mlflow.TrackingUri, NamingRules.ServerUrl, quote: false);
        Component("mlflow", stack.Mlflow.Install, stack.Mlflow.TrackingUri, "trackingUri", stack.Mlflow.Secret);
        if (stack.Mlflow.Webhook is { } webhook)
        {
            if (webhook.Events.Count == 0)
                problems.Add("mlflow.webhook.events must name at least one event (e.g. model_version.created)");
            for (var i = 0; i < webhook.Events.Count; i++)
            {
                if (!StackEventNames.MlflowWebhook.Contains(webhook.Events[i]))
                    problems.Add($"mlflow.webhook.events[{i}] '{Shown(webhook.Events[i])}' is not an MLflow webhook event (e.g. model_version.created)");
            }
            Rule("mlflow.webhook.secret.name", webhook.SecretName, NamingRules.DnsSubdomain);
            Rule("mlflow.webhook.secret.key", webhook.SecretKey, NamingRules.SecretKey);
        }

        var componentNamespaces = new[] { (stack.Minio.Install, stack.Minio.Endpoint), (stack.Mlflow.Install, stack.Mlflow.TrackingUri) }
            .Where(c => c.Install).Select(c => ClusterAddress.Parse(c.Item2)?.Namespace).OfType<string>();
        var secretNamespaces = namespaces.Concat(componentNamespaces).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stack.Secrets.Count; i++)
        {
            var secret = stack.Secrets[i];
            var field = $"secrets[{i}]";
            Rule($"{field}.name", secret.Name, NamingRules.DnsSubdomain);
            var ns = secret.Namespace ?? stack.Namespace;
            if (secret.Namespace is not null)
                Rule($"{field}.namespace", secret.Namespace, NamingRules.DnsLabel);
            if (!secretNamespaces.Contains(ns))
                problems.Add($"{field}.namespace '{Shown(ns)}' is not the stack's namespace, one of namespaces[], or an installed component's");
            if (!seen.Add($"{ns}/{secret.Name}"))
                problems.Add($"{field} declares {Shown(ns)}/{Shown(secret.Name)} a second time");
            for (var k = 0; k < secret.RequiredKeys.Count; k++)
                Rule($"{field}.requiredKeys[{k}]", secret.RequiredKeys[k], NamingRules.SecretKey);
        }
        foreach (var required in RequiredSecret.Of(stack))
        {
            var declared = stack.Secrets.ToList().FindIndex(s => (s.Namespace ?? stack.Namespace) == required.Namespace && s.Name == required.Name);
            if (required.SealedSecretManifest is { } manifest)
                SealedSecret($"secrets[{declared}].sealedSecret", manifest, required);
        }

        if (stack.Buckets.Count == 0)
            problems.Add("buckets must list at least the bucket MLflow keeps its artifacts in");
        var buckets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stack.Buckets.Count; i++)
        {
            var bucket = stack.Buckets[i];
            Rule($"buckets[{i}].name", bucket.Name, NamingRules.BucketName);
            if (!buckets.Add(bucket.Name))
                problems.Add($"buckets[{i}].name '{Shown(bucket.Name)}' is listed twice");
            for (var n = 0; n < bucket.Notifications.Count; n++)
                Notification($"buckets[{i}].notifications[{n}]", bucket.Notifications[n]);
        }
        if (!buckets.Contains(stack.ArtifactBucket))
            problems.Add($"artifactBucket '{Shown(stack.ArtifactBucket)}' is not one of the buckets");

        for (var i = 0; i < stack.Only.Count; i++)
        {
            if (!StackSteps.InOrder.Contains(stack.Only[i]))
                problems.Add($"only[{i}] '{Shown(stack.Only[i])}' is not a step; the steps are: {string.Join(", ", StackSteps.InOrder)}");
        }
        return problems;

        void Credentials(string field, StackCredentials credentials)
        {
            Rule($"{field}.secret", credentials.SecretName, NamingRules.DnsSubdomain);
            Rule($"{field}.accessKeyIdKey", credentials.AccessKeyIdKey, NamingRules.SecretKey);
            Rule($"{field}.secretAccessKeyKey", credentials.SecretAccessKeyKey, NamingRules.SecretKey);
        }

        void Component(string name, bool install, string url, string urlField, string? secret)
        {
            if (!install)
                return;
            if (ClusterAddress.Problem(url) is { } problem)
                problems.Add($"{name}.{urlField} {problem}");
            if (secret is null)
                problems.Add($"{name}.secret is required when {name}.install is true: the Secret in its namespace the installed {name} reads its keys from");
            else
                Rule($"{name}.secret", secret, NamingRules.DnsSubdomain);
        }

        void Notification(string field, BucketNotificationSpec notification)
        {
            if (notification.Events.Count == 0)
                problems.Add($"{field}.events is required: a prefix or suffix filter needs the events it filters (e.g. s3:ObjectCreated:*)");
            for (var e = 0; e < notification.Events.Count; e++)
            {
                if (!StackEventNames.Minio.Contains(notification.Events[e]))
                    problems.Add($"{field}.events[{e}] '{Shown(notification.Events[e])}' is not a MinIO event name (e.g. s3:ObjectCreated:*, s3:ObjectRemoved:Delete)");
            }
            if (notification.Prefix is { } prefix)
                Rule($"{field}.prefix", prefix, FilterValue, quote: false);
            if (notification.Suffix is { } suffix)
                Rule($"{field}.suffix", suffix, FilterValue, quote: false);
        }

        void SealedSecret(string field, string manifestJson, RequiredSecret secret)
        {
            JsonObject? manifest;
            try
            {
                manifest = JsonNode.Parse(manifestJson) as JsonObject;
            }
            catch (JsonException)
            {
                manifest = null;
            }
            if (manifest is null)
            {
                problems.Add($"{field} is not a JSON object (a SealedSecret manifest as kubeseal writes it)");
                return;
            }
            if (manifest["apiVersion"]?.ToString() != SealedSecretApiVersion || manifest["kind"]?.ToString() != "SealedSecret")
                problems.Add($"{field} must be a SealedSecret (apiVersion {SealedSecretApiVersion}, kind SealedSecret), as kubeseal writes it");
            if (manifest["metadata"]?["name"]?.ToString() is { } sealedName && sealedName != secret.Name)
                problems.Add($"{field} is named '{Shown(sealedName)}' but the secret is '{secret.Name}': the sealed-secrets controller creates a Secret of the SealedSecret's name");
            if (manifest["metadata"]?["namespace"]?.ToString() is { } sealedNamespace && sealedNamespace != secret.Namespace)
                problems.Add($"{field} is sealed for namespace '{Shown(sealedNamespace)}' but the secret belongs in '{secret.Namespace}': a SealedSecret only unseals in the namespace it was sealed for");
            var encrypted = manifest["spec"]?["encryptedData"] as JsonObject;
            var template = manifest["spec"]?["template"]?["data"] as JsonObject;
            if (encrypted is null || encrypted.Count == 0)
            {
                problems.Add($"{field} has no spec.encryptedData");
                return;
            }
            foreach (var key in secret.Keys.Where(k => !encrypted.ContainsKey(k) && template?.ContainsKey(k) != true))
                problems.Add($"{field} has no key {key} in spec.encryptedData, which the stack reads from {secret.Path}");
        }
    }

    private static string? QueueDir(string dir) => dir.StartsWith('/') && !dir.Any(char.IsControl) && dir.Length <= 1024 ? null : "must be an absolute path on MinIO's volume";

    private static string? FilterValue(string value) =>
        value.Length > 1024 || value.Any(char.IsControl) ? "must be at most 1,024 characters without control characters" : null;

    // Names come from outside: shown bounded and on one line, so a pasted secret or a megabyte of junk is not repeated.
    private static string Shown(string value)
    {
        var line = new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return line.Length <= 80 ? line : line[..79] + "…";
    }
}
