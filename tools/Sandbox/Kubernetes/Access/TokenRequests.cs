using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// <c>POST …/serviceaccounts/{name}/token</c> (what <c>kubectl create token</c> calls): validates the TokenRequest as the
/// API server does and answers it with a signed token and its expiry.
/// </summary>
public sealed class TokenRequests(KubernetesRegistry registry, ServiceAccountTokens tokens)
{
    private static readonly ResourceType TokenRequestType = new("authentication.k8s.io", "v1", "tokenrequests", "TokenRequest", true, [], false, false, false);

    public JsonObject Answer(string ns, string accountName, JsonObject request)
    {
        var account = registry.Get(ResourceCatalog.ServiceAccounts, ns, accountName);
        var spec = request["spec"] as JsonObject ?? [];
        var seconds = spec.Number("expirationSeconds") ?? 3600;
        if (seconds < 600)
            throw KubernetesApiException.Invalid(TokenRequestType, accountName, [new StatusCause("FieldValueInvalid", "spec.expirationSeconds", $"Invalid value: {seconds}: may not specify a duration less than 10 minutes")]);
        if (seconds > 1L << 32)
            throw KubernetesApiException.Invalid(TokenRequestType, accountName, [new StatusCause("FieldValueInvalid", "spec.expirationSeconds", $"Invalid value: {seconds}: may not specify a duration larger than 2^32 seconds")]);
        var audiences = (spec["audiences"] as JsonArray ?? []).Select(a => a?.ToString() ?? "").Where(a => a.Length > 0).ToList();
        if (audiences.Count == 0)
            audiences = [ServiceAccountTokens.Issuer];

        JsonObject? bound = null;
        if (spec["boundObjectRef"] is JsonObject reference && reference.String("kind") is { Length: > 0 } kind)
        {
            var type = kind switch
            {
                "Pod" => ResourceCatalog.Pods,
                "Secret" => ResourceCatalog.Secrets,
                _ => throw KubernetesApiException.Invalid(TokenRequestType, accountName, [new StatusCause("FieldValueNotSupported", "spec.boundObjectRef.kind", $"Unsupported value: \"{kind}\": supported values: \"Pod\", \"Secret\"")]),
            };
            var target = registry.Get(type, ns, reference.String("name") ?? "");
            if (reference.String("uid") is { Length: > 0 } uid && uid != target.Uid())
                throw KubernetesApiException.Conflict(type, target.Name());
            bound = new JsonObject { ["kind"] = kind, ["name"] = target.Name(), ["uid"] = target.Uid() };
        }

        var (token, expires) = tokens.Issue(account, audiences, seconds, bound);
        var answeredSpec = new JsonObject
        {
            ["audiences"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
            ["expirationSeconds"] = seconds,
            ["boundObjectRef"] = bound is null ? null : new JsonObject { ["kind"] = bound["kind"]!.DeepClone(), ["apiVersion"] = "v1", ["name"] = bound["name"]!.DeepClone(), ["uid"] = bound["uid"]!.DeepClone() },
        };
        if (bound is null)
            answeredSpec.Remove("boundObjectRef");
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = accountName,
                ["namespace"] = ns,
                ["creationTimestamp"] = ObjectMeta.Timestamp(DateTimeOffset.UtcNow),
            },
            ["spec"] = answeredSpec,
            // The token is what the client asked for: it travels in this answer only and is never logged or stored.
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = ObjectMeta.Timestamp(expires) },
        };
    }
}
