using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The sealed-secrets controller: each SealedSecret becomes a Secret of the same name and namespace, owned by it.
/// The sandbox's sealing: an <c>encryptedData</c> value is the base64 of <c>sandbox-sealed:</c> followed by the
/// plaintext. A value without that prefix cannot be unsealed, as one sealed for another cluster's key: no Secret,
/// and the SealedSecret's Synced condition is False.
/// </summary>
public sealed class SealedSecretController(KubernetesRegistry registry, KubernetesOptions options, ILogger<SealedSecretController> logger)
    : ControllerLoop(registry, logger)
{
    public const string SealPrefix = "sandbox-sealed:";

    protected override ResourceType Primary => ResourceCatalog.SealedSecrets;

    /// <summary>Seals a plaintext for the sandbox, as <c>kubeseal</c> does for a real cluster.</summary>
    public static string Seal(string plaintext) => Convert.ToBase64String(Encoding.UTF8.GetBytes(SealPrefix + plaintext));

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var sealedSecret = Registry.Find(ResourceCatalog.SealedSecrets, ns, name);
        if (sealedSecret is null || sealedSecret["status"].Number("observedGeneration") == sealedSecret.Generation())
            return Task.CompletedTask;
        var changedAt = ObjectMeta.ParseTimestamp(sealedSecret["metadata"].String("creationTimestamp")) ?? DateTimeOffset.UtcNow;
        var unsealAt = changedAt + options.UnsealDelay;
        if (sealedSecret.Generation() <= 1 && DateTimeOffset.UtcNow < unsealAt)
        {
            RequeueAfter(new ObjectKey(ns, name), unsealAt - DateTimeOffset.UtcNow, cancellationToken);
            return Task.CompletedTask;
        }

        var (data, failure) = Unseal(sealedSecret["spec"]?["encryptedData"] as JsonObject);
        var existing = Registry.Find(ResourceCatalog.Secrets, ns, name);
        if (failure is null && existing is not null && !OwnedBy(existing, sealedSecret.Uid()))
            failure = $"Resource \"{name}\" already exists and is not managed by SealedSecret";
        if (failure is null)
        {
            var secret = DesiredSecret(sealedSecret, data);
            if (existing is null)
                Registry.Create(ResourceCatalog.Secrets, ns, secret);
            else
                Registry.Mutate(ResourceCatalog.Secrets, ns, name, statusOnly: false, s =>
                {
                    s["data"] = secret["data"]!.DeepClone();
                    s["type"] = secret["type"]!.DeepClone();
                    s.Metadata()["labels"] = secret["metadata"]!["labels"]?.DeepClone();
                    s.Metadata()["annotations"] = secret["metadata"]!["annotations"]?.DeepClone();
                });
        }

        var now = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        Registry.Mutate(ResourceCatalog.SealedSecrets, ns, name, statusOnly: true, s =>
        {
            var condition = new JsonObject
            {
                ["type"] = "Synced",
                ["status"] = failure is null ? "True" : "False",
                ["lastUpdateTime"] = now,
                ["lastTransitionTime"] = now,
            };
            if (failure is not null)
            {
                condition["reason"] = "ErrUnsealFailed";
                condition["message"] = failure;
            }
            s["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(condition),
                ["observedGeneration"] = s.Generation(),
            };
        });
        return Task.CompletedTask;
    }

    private static (JsonObject Data, string? Failure) Unseal(JsonObject? encryptedData)
    {
        var data = new JsonObject();
        foreach (var (key, value) in encryptedData ?? [])
        {
            var text = value?.ToString() ?? "";
            var buffer = new byte[text.Length];
            if (!Convert.TryFromBase64String(text, buffer, out var length))
                return (data, $"no key could decrypt secret ({key})");
            var plaintext = Encoding.UTF8.GetString(buffer, 0, length);
            if (!plaintext.StartsWith(SealPrefix, StringComparison.Ordinal))
                return (data, $"no key could decrypt secret ({key})");
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(plaintext[SealPrefix.Length..]));
        }
        return (data, null);
    }

    private static JsonObject DesiredSecret(JsonObject sealedSecret, JsonObject data)
    {
        var template = sealedSecret["spec"]?["template"] as JsonObject;
        var metadata = new JsonObject
        {
            ["name"] = sealedSecret.Name(),
            ["namespace"] = sealedSecret.Namespace(),
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "bitnami.com/v1alpha1",
                ["kind"] = "SealedSecret",
                ["name"] = sealedSecret.Name(),
                ["uid"] = sealedSecret.Uid(),
                ["controller"] = true,
            }),
        };
        if (template?["metadata"]?["labels"] is JsonObject labels)
            metadata["labels"] = labels.DeepClone();
        if (template?["metadata"]?["annotations"] is JsonObject annotations)
            metadata["annotations"] = annotations.DeepClone();
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = metadata,
            ["type"] = template.String("type") ?? "Opaque",
            ["data"] = data,
        };
    }

    private static bool OwnedBy(JsonObject obj, string uid) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(r => r.String("uid") == uid);
}
