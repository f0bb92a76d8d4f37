using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// The review kinds that are answered, never stored: SelfSubjectAccessReview (<c>kubectl auth can-i</c>),
/// SelfSubjectRulesReview (<c>kubectl auth can-i --list</c>), SubjectAccessReview (any user and groups), and
/// SelfSubjectReview (<c>kubectl auth whoami</c>).
/// </summary>
public sealed class AccessReviews(RbacAuthorizer authorizer)
{
    public JsonObject Answer(ResourceType type, JsonObject review, UserInfo user)
    {
        var answer = review.DeepClone().AsObject();
        answer["apiVersion"] = type.ApiVersion;
        answer["kind"] = type.Kind;
        var metadata = answer.Child("metadata");
        metadata["creationTimestamp"] = null;
        if (type == ResourceCatalog.SelfSubjectReviews)
        {
            var info = new JsonObject
            {
                ["username"] = user.Name,
                ["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode)g).ToArray()),
            };
            if (user.Uid is not null)
                info["uid"] = user.Uid;
            answer["status"] = new JsonObject { ["userInfo"] = info };
            return answer;
        }

        var spec = review["spec"] as JsonObject ?? throw KubernetesApiException.BadRequest("spec is required");
        if (type == ResourceCatalog.SelfSubjectRulesReviews)
        {
            answer["status"] = Rules(user, spec.String("namespace") ?? "");
            return answer;
        }
        var subject = user;
        if (type == ResourceCatalog.SubjectAccessReviews)
        {
            var name = spec.String("user") ?? "";
            var groups = (spec["groups"] as JsonArray ?? []).Select(g => g?.ToString() ?? "").ToList();
            if (name.Length == 0 && groups.Count == 0)
                throw KubernetesApiException.Invalid(type, "", [new StatusCause("FieldValueRequired", "spec.user", "Invalid value: \"\": at least one of user or group must be specified")]);
            subject = new UserInfo(name, groups, spec.String("uid"));
        }
        var request = Attributes(type, spec);
        var decision = authorizer.Authorize(subject, request);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
            status["reason"] = decision.Reason;
        answer["status"] = status;
        return answer;
    }

    // The rules that apply to the user in the namespace, split into resource and non-resource rules as RBAC lists them.
    private JsonObject Rules(UserInfo user, string ns)
    {
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        if (user.IsPrivileged)
        {
            resourceRules.Add(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") });
            nonResourceRules.Add(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") });
        }
        foreach (var rule in authorizer.RulesFor(user, ns))
        {
            var copy = rule.DeepClone().AsObject();
            if (copy["nonResourceURLs"] is JsonArray { Count: > 0 })
                nonResourceRules.Add(new JsonObject { ["verbs"] = copy["verbs"]?.DeepClone(), ["nonResourceURLs"] = copy["nonResourceURLs"]?.DeepClone() });
            else
            {
                copy.Remove("nonResourceURLs");
                resourceRules.Add(copy);
            }
        }
        return new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false };
    }

    private static RequestAttributes Attributes(ResourceType type, JsonObject spec)
    {
        if (spec["resourceAttributes"] is JsonObject resource)
        {
            return RequestAttributes.ForResource(
                resource.String("verb") ?? "",
                resource.String("group") ?? "",
                resource.String("resource") ?? "",
                resource.String("subresource") ?? "",
                resource.String("namespace") ?? "",
                resource.String("name") ?? "");
        }
        if (spec["nonResourceAttributes"] is JsonObject nonResource)
            return RequestAttributes.ForPath(nonResource.String("verb") ?? "", nonResource.String("path") ?? "");
        throw KubernetesApiException.Invalid(type, "", [new StatusCause("FieldValueRequired", "spec.resourceAttributes", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
    }
}
