using System.Text.Json.Nodes;
using Mlops.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// Reads a stack file (YAML, documented in docs/stack-file.md) into a <see cref="ProvisionStack"/>. Every field is checked
/// against its rules before anything outside is called; unknown or mistyped fields are errors named by their path.
/// </summary>
public static class StackFile
{
    public const int FormatVersion = 1;

    private const string SealedSecretApiVersion = "bitnami.com/v1alpha1";
    private static readonly string[] ExchangeTypes = ["direct", "fanout", "topic", "headers"];

    /// <summary>Reads the file at <paramref name="path"/>; throws <see cref="StackFileException"/> listing every error.</summary>
    public static ProvisionStack Load(string path, TimeProvider? time = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StackFileException($"The stack file {path} cannot be read: {ex.Message}", ex);
        }
        return Parse(text, path, time);
    }

    /// <summary>Reads a stack file's text; <paramref name="source"/> names it in errors.</summary>
    public static ProvisionStack Parse(string text, string source = "stack file", TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<StackFileError>();
        var root = ReadRoot(text, errors);
        if (root is null)
            throw new StackFileException(source, errors);
        var stack = Read(new StackFileNode(root, "", errors), (time ?? TimeProvider.System).GetUtcNow());
        if (errors.Count > 0)
            throw new StackFileException(source, errors.OrderBy(e => e.Line).ToList());
        return stack!;
    }

    private static YamlMappingNode? ReadRoot(string text, List<StackFileError> errors)
    {
        var yaml = new YamlStream();
        try
        {
            if (StackFileShape.Problem(text) is { } shape)
            {
                errors.Add(shape);
                return null;
            }
            yaml.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            errors.Add(new StackFileError("(file)", (int)ex.Start.Line, $"is not valid YAML: {ex.InnerException?.Message ?? ex.Message}"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some malformed flow scalars.
            errors.Add(new StackFileError("(file)", 0, "is not valid YAML: a scalar inside [ ] or { } could not be read"));
            return null;
        }
        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new StackFileError("(file)", 1, "must hold exactly one YAML document, a mapping of fields (see docs/stack-file.md)"));
            return null;
        }
        return root;
    }

    private static ProvisionStack? Read(StackFileNode root, DateTimeOffset now)
    {
        if (root.Int("version") is { } version && version != FormatVersion)
            root.Error("version", $"is {version}; this release reads version {FormatVersion}");
        var name = Checked(root, "name", root.String("name", required: true), NamingRules.DnsLabel);
        var ns = Checked(root, "namespace", root.String("namespace", required: true), NamingRules.DnsLabel);

        var extraNamespaces = root.Mappings("namespaces").Select(ReadNamespace).ToList();
        var secrets = root.Mappings("secrets").Select(s => ReadSecret(s, ns)).ToList();
        var credentialsNode = root.Mapping("credentials");
        var minio = ReadMinio(root.Mapping("minio"));
        var buckets = root.Mappings("buckets").Select(ReadBucket).ToList();
        var artifactBucket = root.String("artifactBucket");
        var mlflow = ReadMlflow(root.Mapping("mlflow"));
        var only = root.Strings("only");
        root.RejectUnknownFields();

        foreach (var (step, i) in only.Select((s, i) => (s, i)))
        {
            if (!StackSteps.InOrder.Contains(step))
                root.Error("only", $"only[{i}] '{step}' is not a step; the steps are: {string.Join(", ", StackSteps.InOrder)}");
        }
        Unique(root, "namespaces", extraNamespaces.Select(n => n?.Name));
        foreach (var extra in extraNamespaces.Where(n => n?.Name == ns))
            root.Error("namespaces", $"'{ns}' is the stack's own namespace; list only further namespaces here");
        // An installed MinIO or MLflow lives in the namespace its address names, and reads its keys from a Secret there.
        var minioHome = minio is { Install: true } ? ClusterAddress.Parse(minio.Endpoint)?.Namespace : null;
        var mlflowHome = mlflow is { Install: true } ? ClusterAddress.Parse(mlflow.TrackingUri)?.Namespace : null;
        var namespaces = new[] { ns, minioHome, mlflowHome }.Concat(extraNamespaces.Select(n => n?.Name)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (secret, i) in secrets.Select((s, i) => (s, i)))
        {
            if (secret?.Namespace is { } secretNamespace && !namespaces.Contains(secretNamespace))
                root.Error("secrets", $"secrets[{i}].namespace '{secretNamespace}' is not the stack's namespace, listed under namespaces, or an installed component's");
        }
        if (minio is { Install: true, Secret: { } minioSecret } && minioHome is not null)
            RequireSecretKey(root, "minio.secret", secrets, minioHome, ns, minioSecret, [.. ComponentSecretKeys.Minio]);
        if (mlflow is { Install: true, Secret: { } mlflowSecret } && mlflowHome is not null)
            RequireSecretKey(root, "mlflow.secret", secrets, mlflowHome, ns, mlflowSecret, [.. ComponentSecretKeys.Mlflow(mlflow.Webhook is not null)]);
        Unique(root, "secrets", secrets.Select(s => s is null ? null : $"{s.Namespace ?? ns}/{s.Name}"));
        Unique(root, "buckets", buckets.Select(b => b?.Name));

        var credentials = ReadCredentials(credentialsNode, root, "credentials", secrets, ns, ns);
        var resolvedExtra = extraNamespaces.OfType<ExtraNamespace>()
            .Select(n => new NamespaceSpec
            {
                Name = n.Name,
                Credentials = ReadCredentials(n.Credentials, n.Node, "credentials", secrets, n.Name, ns) ?? new StackCredentials { SecretName = "" },
            })
            .ToList();

        var bucketNames = buckets.OfType<BucketSpec>().Select(b => b.Name).ToList();
        if (artifactBucket is null)
        {
            artifactBucket = bucketNames.Count == 1 ? bucketNames[0] : bucketNames.FirstOrDefault(b => b == "mlflow");
            if (artifactBucket is null)
                root.Error(bucketNames.Count == 0 ? "buckets" : "artifactBucket", bucketNames.Count == 0
                    ? "must list at least the bucket MLflow keeps its artifacts in"
                    : "is required when there are several buckets and none is named 'mlflow': name the bucket MLflow keeps its artifacts in");
        }
        else if (!bucketNames.Contains(artifactBucket))
        {
            root.Error("artifactBucket", $"'{artifactBucket}' is not one of the buckets ({string.Join(", ", bucketNames)})");
        }

        if (mlflow?.Webhook is { } webhook)
            RequireSecretKey(root, "mlflow.webhook.secret", secrets, ns, ns, webhook.SecretName, webhook.SecretKey);

        if (name is null || ns is null || credentials is null || minio is null || mlflow is null || artifactBucket is null)
            return null;
        return new ProvisionStack
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = now,
            StackName = name,
            Namespace = ns,
            ExtraNamespaces = resolvedExtra,
            Secrets = secrets.OfType<SecretSpec>().Select(s => s with { RequiredKeys = [.. s.RequiredKeys.Distinct(StringComparer.Ordinal)] }).ToList(),
            Credentials = credentials,
            Minio = minio,
            Buckets = buckets.OfType<BucketSpec>().ToList(),
            ArtifactBucket = artifactBucket,
            Mlflow = mlflow,
            Only = only,
        };
    }

    private static ExtraNamespace? ReadNamespace(StackFileNode node)
    {
        var name = Checked(node, "name", node.String("name", required: true), NamingRules.DnsLabel);
        var credentials = node.Mapping("credentials", required: true);
        node.RejectUnknownFields();
        return name is null || credentials is null ? null : new ExtraNamespace(name, credentials, node);
    }

    private static SecretSpec? ReadSecret(StackFileNode node, string? stackNamespace)
    {
        var name = Checked(node, "name", node.String("name", required: true), NamingRules.DnsSubdomain);
        var ns = Checked(node, "namespace", node.String("namespace"), NamingRules.DnsLabel);
        var keys = node.Strings("requiredKeys");
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            if (NamingRules.SecretKey(key) is { } problem)
                node.Error("requiredKeys", $"requiredKeys[{i}] '{key}' {problem}");
        }
        var sealedSecret = node.Manifest("sealedSecret");
        node.RejectUnknownFields();
        if (name is null)
            return null;
        if (sealedSecret is not null)
            CheckSealedSecret(node, sealedSecret, name, ns ?? stackNamespace, keys);
        return new SecretSpec
        {
            Name = name,
            Namespace = ns,
            RequiredKeys = [.. keys],
            SealedSecretManifest = sealedSecret?.ToJsonString(),
        };
    }

    private static void CheckSealedSecret(StackFileNode node, JsonObject manifest, string name, string? ns, IReadOnlyList<string> requiredKeys)
    {
        const string field = "sealedSecret";
        if (manifest["apiVersion"]?.ToString() != SealedSecretApiVersion || manifest["kind"]?.ToString() != "SealedSecret")
            node.Error(field, $"must be a SealedSecret (apiVersion {SealedSecretApiVersion}, kind SealedSecret), as kubeseal writes it");
        var metadata = manifest["metadata"] as JsonObject;
        if (manifest["metadata"] is not (null or JsonObject) || manifest["spec"] is not (null or JsonObject))
        {
            node.Error(field, "has a metadata or spec that is not a mapping, as kubeseal writes it");
            return;
        }
        if (metadata?["name"]?.ToString() is { } sealedName && sealedName != name)
            node.Error(field, $"is named '{sealedName}' but the secret is '{name}': the sealed-secrets controller creates a Secret of the SealedSecret's name");
        if (metadata?["namespace"]?.ToString() is { } sealedNamespace && ns is not null && sealedNamespace != ns)
            node.Error(field, $"is sealed for namespace '{sealedNamespace}' but the secret belongs in '{ns}': a SealedSecret only unseals in the namespace it was sealed for");
        var encrypted = manifest["spec"]?["encryptedData"] as JsonObject;
        if (encrypted is null || encrypted.Count == 0)
        {
            node.Error(field, "has no spec.encryptedData");
            return;
        }
        var templateData = (manifest["spec"]?["template"] as JsonObject)?["data"] as JsonObject;
        foreach (var key in requiredKeys.Where(k => !encrypted.ContainsKey(k) && templateData?.ContainsKey(k) != true))
            node.Error(field, $"has no key {key} in spec.encryptedData, which requiredKeys names");
    }

    private static StackCredentials? ReadCredentials(StackFileNode? node, StackFileNode owner, string field, List<SecretSpec?> secrets,
        string? ns, string? stackNamespace)
    {
        var inNamespace = secrets.OfType<SecretSpec>().Where(s => (s.Namespace ?? stackNamespace) == ns).ToList();
        string? secretName;
        var accessKey = "AWS_ACCESS_KEY_ID";
        var secretKey = "AWS_SECRET_ACCESS_KEY";
        if (node is null)
        {
            if (inNamespace.Count != 1)
            {
                owner.Error(field, $"is required: name the Secret in namespace '{ns}' that holds the S3 credentials pods use");
                return null;
            }
            secretName = inNamespace[0].Name;
        }
        else
        {
            secretName = node.String("secret", required: true);
            accessKey = Checked(node, "accessKeyIdKey", node.String("accessKeyIdKey"), NamingRules.SecretKey) ?? accessKey;
            secretKey = Checked(node, "secretAccessKeyKey", node.String("secretAccessKeyKey"), NamingRules.SecretKey) ?? secretKey;
            node.RejectUnknownFields();
            if (secretName is null)
                return null;
        }
        if (!RequireSecretKey(owner, $"{field}.secret", secrets, ns, stackNamespace, secretName, accessKey, secretKey))
            return null;
        return new StackCredentials { SecretName = secretName, AccessKeyIdKey = accessKey, SecretAccessKeyKey = secretKey };
    }

    /// <summary>The named Secret must be declared for <paramref name="ns"/>; the keys are added to what it must hold.</summary>
    private static bool RequireSecretKey(StackFileNode owner, string field, List<SecretSpec?> secrets, string? ns, string? stackNamespace,
        string secretName, params string[] keys)
    {
        var index = secrets.FindIndex(s => s is not null && s.Name == secretName && (s.Namespace ?? stackNamespace) == ns);
        if (index < 0)
        {
            owner.Error(field, $"names Secret '{secretName}', which is not listed under secrets for namespace '{ns}'");
            return false;
        }
        secrets[index] = secrets[index]! with { RequiredKeys = [.. secrets[index]!.RequiredKeys, .. keys] };
        var spec = (secrets[index]!.SealedSecretManifest is { } json ? JsonNode.Parse(json) : null)?["spec"] as JsonObject;
        var encrypted = spec?["encryptedData"] as JsonObject;
        var template = (spec?["template"] as JsonObject)?["data"] as JsonObject;
        foreach (var key in keys.Where(k => encrypted is not null && !encrypted.ContainsKey(k) && template?.ContainsKey(k) != true))
            owner.Error(field, $"needs key {key} in Secret '{secretName}', but its sealedSecret has no such key in spec.encryptedData");
        return true;
    }

    private static MinioSpec? ReadMinio(StackFileNode? node)
    {
        var endpoint = node?.String("endpoint") ?? "http://minio.minio.svc.cluster.local:9000";
        if (node is not null)
            Checked(node, "endpoint", endpoint, NamingRules.ServerUrl);
        var install = node?.Bool("install") ?? false;
        var secret = Checked(node, "secret", node?.String("secret"), NamingRules.DnsSubdomain);
        var targetNode = node?.Mapping("notificationTarget");
        node?.RejectUnknownFields();
        if (install && node is not null)
            CheckInstalled(node, "endpoint", endpoint, secret, "MinIO");
        var target = new MinioTargetSpec();
        if (targetNode is not null)
        {
            target = new MinioTargetSpec
            {
                Id = Checked(targetNode, "id", targetNode.String("id"), NamingRules.TargetId) ?? target.Id,
                Exchange = Checked(targetNode, "exchange", targetNode.String("exchange"), NamingRules.ExchangeName) ?? target.Exchange,
                ExchangeType = Checked(targetNode, "exchangeType", targetNode.String("exchangeType"),
                    t => ExchangeTypes.Contains(t) ? null : $"must be one of {string.Join(", ", ExchangeTypes)}") ?? target.ExchangeType,
                Durable = targetNode.Bool("durable") ?? target.Durable,
                DeliveryMode = targetNode.Int("deliveryMode") ?? target.DeliveryMode,
                RoutingKey = targetNode.String("routingKey"),
                QueueDir = Checked(targetNode, "queueDir", targetNode.String("queueDir"),
                    d => d.StartsWith('/') ? null : "must be an absolute path on MinIO's volume") ?? target.QueueDir,
            };
            if (target.DeliveryMode is not (1 or 2))
                targetNode.Error("deliveryMode", "must be 1 (transient) or 2 (persistent)");
            if (install && !target.QueueDir.StartsWith("/data/", StringComparison.Ordinal))
                targetNode.Error("queueDir", "must be on the installed MinIO's volume, under /data/, or events waiting for the broker are lost when the pod restarts");
            targetNode.RejectUnknownFields();
        }
        return new MinioSpec { Endpoint = endpoint, Install = install, Secret = secret, Target = target };
    }

    private static BucketSpec? ReadBucket(StackFileNode node)
    {
        var name = Checked(node, "name", node.String("name", required: true), NamingRules.BucketName);
        var notifications = node.Mappings("notifications").Select(ReadNotification).ToList();
        node.RejectUnknownFields();
        return name is null ? null : new BucketSpec { Name = name, Notifications = notifications.OfType<BucketNotificationSpec>().ToList() };
    }

    private static BucketNotificationSpec? ReadNotification(StackFileNode node)
    {
        var events = node.Strings("events");
        var prefix = Checked(node, "prefix", node.String("prefix"), FilterValue);
        var suffix = Checked(node, "suffix", node.String("suffix"), FilterValue);
        node.RejectUnknownFields();
        if (events.Count == 0)
        {
            node.Error("events", "is required: a prefix or suffix filter needs the events it filters (e.g. s3:ObjectCreated:*)");
            return null;
        }
        foreach (var (name, i) in events.Select((e, i) => (e, i)))
        {
            if (!StackEventNames.Minio.Contains(name))
                node.Error("events", $"events[{i}] '{name}' is not a MinIO event name (e.g. s3:ObjectCreated:*, s3:ObjectRemoved:Delete)");
        }
        return new BucketNotificationSpec { Events = events, Prefix = prefix, Suffix = suffix };
    }

    private static MlflowSpec? ReadMlflow(StackFileNode? node)
    {
        var uri = node?.String("trackingUri") ?? "http://mlflow.mlflow.svc.cluster.local:5000";
        if (node is not null)
            Checked(node, "trackingUri", uri, NamingRules.ServerUrl);
        var install = node?.Bool("install") ?? false;
        var secretName = Checked(node, "secret", node?.String("secret"), NamingRules.DnsSubdomain);
        var webhookNode = node?.Mapping("webhook");
        node?.RejectUnknownFields();
        if (install && node is not null)
            CheckInstalled(node, "trackingUri", uri, secretName, "MLflow");
        MlflowWebhookSpec? webhook = null;
        if (webhookNode is not null)
        {
            var events = webhookNode.Has("events") ? webhookNode.Strings("events") : new MlflowWebhookSpec { SecretName = "" }.Events;
            foreach (var (name, i) in events.Select((e, i) => (e, i)))
            {
                if (!StackEventNames.MlflowWebhook.Contains(name))
                    webhookNode.Error("events", $"events[{i}] '{name}' is not an MLflow webhook event (e.g. model_version.created)");
            }
            var secret = webhookNode.Mapping("secret", required: true);
            var webhookSecret = secret?.String("name", required: true);
            var secretKey = Checked(secret, "key", secret?.String("key"), NamingRules.SecretKey);
            secret?.RejectUnknownFields();
            webhookNode.RejectUnknownFields();
            if (webhookSecret is not null)
                webhook = new MlflowWebhookSpec { Events = events, SecretName = webhookSecret, SecretKey = secretKey ?? "webhook-secret" };
        }
        return new MlflowSpec { TrackingUri = uri, Install = install, Secret = secretName, Webhook = webhook };
    }

    private static void CheckInstalled(StackFileNode node, string urlField, string url, string? secret, string component)
    {
        if (NamingRules.ServerUrl(url) is null && ClusterAddress.Problem(url) is { } problem)
            node.Error(urlField, problem);
        if (secret is null && !node.Has("secret"))
            node.Error("secret", $"is required with install: true: the Secret in {component}'s namespace it reads its keys from");
    }

    private static string? FilterValue(string value) =>
        value.Length > 1024 || value.Any(char.IsControl) ? "must be at most 1,024 characters without control characters" : null;

    private static string? Checked(StackFileNode? node, string key, string? value, Func<string, string?> rule)
    {
        if (value is null || node is null)
            return value;
        if (rule(value) is { } problem)
        {
            // A URL may carry a password: it is never repeated back.
            node.Error(key, rule == NamingRules.ServerUrl ? problem : $"'{value}' {problem}");
            return null;
        }
        return value;
    }

    private static void Unique(StackFileNode root, string field, IEnumerable<string?> names)
    {
        foreach (var duplicate in names.OfType<string>().GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            root.Error(field, $"lists '{duplicate.Key}' more than once");
    }

    private sealed record ExtraNamespace(string Name, StackFileNode Credentials, StackFileNode Node);
}
