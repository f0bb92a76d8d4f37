using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Patching;

/// <summary>
/// Strategic merge patch for the built-in kinds served here: lists with a merge key (containers, env, ports, volumes …)
/// merge item by item, other lists replace; directives <c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/…</c>
/// and <c>$deleteFromPrimitiveList/…</c> as <c>kubectl apply</c> sends them.
/// </summary>
public static class StrategicMergePatch
{
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    // The patchMergeKey tags of the Kubernetes API types these kinds use, by field name.
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["imagePullSecrets"] = "name",
        ["env"] = "name",
        ["resourceClaims"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
    };

    // Lists of scalars with patchStrategy "merge".
    private static readonly HashSet<string> MergedScalarLists = ["finalizers"];

    public static JsonObject Apply(JsonObject target, JsonObject patch) =>
        MergeObject(target.DeepClone().AsObject(), patch) ?? new JsonObject();

    private static JsonObject? MergeObject(JsonObject target, JsonObject patch)
    {
        switch (patch["$patch"]?.GetValue<string>())
        {
            case "replace":
                return Strip(patch);
            case "delete":
                return null;
        }

        var orders = new Dictionary<string, JsonArray>();
        foreach (var (key, value) in patch)
        {
            if (key is "$patch" or "$retainKeys")
                continue;
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                orders[key[SetElementOrder.Length..]] = value as JsonArray ?? [];
                continue;
            }
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var listKey = key[DeleteFromPrimitiveList.Length..];
                if (target[listKey] is JsonArray list && value is JsonArray removed)
                {
                    var kept = list.Where(item => !removed.Any(r => JsonNode.DeepEquals(r, item))).Select(i => i?.DeepClone()).ToArray();
                    target[listKey] = new JsonArray(kept);
                }
                continue;
            }
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            target[key] = (value, target[key]) switch
            {
                (JsonObject patchChild, JsonObject targetChild) => MergeObject(targetChild, patchChild),
                (JsonObject patchChild, _) => patchChild["$patch"]?.GetValue<string>() == "delete" ? null : Strip(patchChild),
                (JsonArray patchList, var targetList) => MergeList(key, targetList as JsonArray, patchList),
                _ => value.DeepClone(),
            };
            if (target[key] is null && (value as JsonObject)?["$patch"]?.GetValue<string>() == "delete")
                target.Remove(key);
        }

        foreach (var (listKey, order) in orders)
        {
            if (target[listKey] is JsonArray list)
                target[listKey] = Reorder(listKey, list, order);
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
                target.Remove(key);
        }
        return target;
    }

    private static JsonArray MergeList(string field, JsonArray? target, JsonArray patch)
    {
        if (MergedScalarLists.Contains(field))
        {
            var merged = target?.Select(i => i?.DeepClone()).ToList() ?? [];
            foreach (var item in patch.Where(item => !merged.Any(m => JsonNode.DeepEquals(m, item))))
                merged.Add(item?.DeepClone());
            return new JsonArray(merged.ToArray());
        }
        var mergeKey = MergeKeyOf(field, patch, target);
        if (mergeKey is null || patch.Any(i => i is JsonObject o && o["$patch"]?.GetValue<string>() == "replace"))
        {
            return new JsonArray(patch
                .Where(i => !(i is JsonObject o && o["$patch"]?.GetValue<string>() == "replace"))
                .Select(i => i is JsonObject o ? Strip(o) : i?.DeepClone())
                .ToArray());
        }

        var result = target?.Select(i => i?.DeepClone()).ToList() ?? [];
        foreach (var item in patch.OfType<JsonObject>())
        {
            var key = item[mergeKey];
            var at = result.FindIndex(existing => existing is JsonObject e && JsonNode.DeepEquals(e[mergeKey], key));
            if (item["$patch"]?.GetValue<string>() == "delete")
            {
                if (at >= 0)
                    result.RemoveAt(at);
            }
            else if (at >= 0)
                result[at] = MergeObject((JsonObject)result[at]!, item);
            else
                result.Add(Strip(item));
        }
        return new JsonArray(result.ToArray());
    }

    // Service ports merge by "port", container ports by "containerPort"; the items say which list this is.
    private static string? MergeKeyOf(string field, JsonArray patch, JsonArray? target)
    {
        if (field != "ports")
            return MergeKeys.GetValueOrDefault(field);
        var sample = patch.OfType<JsonObject>().Concat(target?.OfType<JsonObject>() ?? []).FirstOrDefault();
        return sample?.ContainsKey("containerPort") == true ? "containerPort" : "port";
    }

    private static JsonArray Reorder(string field, JsonArray list, JsonArray order)
    {
        var items = list.Select(i => i?.DeepClone()).ToList();
        var mergeKey = MergeKeyOf(field, order, list);
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order)
        {
            var at = items.FindIndex(i => mergeKey is not null && i is JsonObject o && wanted is JsonObject w
                ? JsonNode.DeepEquals(o[mergeKey], w[mergeKey])
                : JsonNode.DeepEquals(i, wanted));
            if (at < 0)
                continue;
            ordered.Add(items[at]);
            items.RemoveAt(at);
        }
        ordered.AddRange(items);
        return new JsonArray(ordered.ToArray());
    }

    // New content from a patch carries no directives into the stored object.
    private static JsonObject Strip(JsonObject patch)
    {
        var clean = new JsonObject();
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
                continue;
            clean[key] = value switch
            {
                JsonObject o => Strip(o),
                JsonArray a => new JsonArray(a.Select(i => i is JsonObject o ? Strip(o) : i?.DeepClone()).ToArray()),
                _ => value?.DeepClone(),
            };
        }
        return clean;
    }
}
