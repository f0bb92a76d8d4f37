using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>Controller references between owners and the objects they create or adopt.</summary>
public static class OwnerReferences
{
    /// <summary>The controller reference a controller puts on what it creates (<c>controller</c> and <c>blockOwnerDeletion</c> true).</summary>
    public static JsonObject ControllerOf(JsonObject owner) => new()
    {
        ["apiVersion"] = owner.String("apiVersion"),
        ["kind"] = owner.String("kind"),
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static JsonObject? Controller(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true);

    public static bool IsControlledBy(JsonObject obj, string ownerUid) => Controller(obj)?.String("uid") == ownerUid;

    /// <summary>Keys of the owners of kind <paramref name="kind"/> a change concerns (its object's before and after).</summary>
    public static IEnumerable<ObjectKey> OwnersOfKind(StoreEvent change, string kind) =>
        new[] { change.Object, change.Previous }.OfType<JsonObject>()
            .SelectMany(o => (o["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>())
            .Where(r => r.String("kind") == kind)
            .Select(r => new ObjectKey(change.Namespace, r.String("name") ?? ""))
            .Distinct();

    /// <summary>Adopts <paramref name="orphan"/> (no controller, not being deleted, matching the selector), as controllers do.</summary>
    public static JsonObject? Adopt(KubernetesRegistry registry, ResourceType type, JsonObject orphan, JsonObject owner)
    {
        if (Controller(orphan) is not null || KubernetesRegistry.IsDeleting(orphan))
            return null;
        return registry.Mutate(type, orphan.Namespace(), orphan.Name(), statusOnly: false, o =>
        {
            var references = o["metadata"]?["ownerReferences"] as JsonArray ?? [];
            references.Add(ControllerOf(owner));
            o.Metadata()["ownerReferences"] = references;
        });
    }
}
