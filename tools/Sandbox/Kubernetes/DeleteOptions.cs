using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>What a delete asks for (<c>meta/v1 DeleteOptions</c>, from the body or the query): propagation, grace, preconditions, dry run.</summary>
public sealed record DeleteOptions
{
    public static readonly DeleteOptions Background = new() { PropagationPolicy = "Background" };

    /// <summary><c>Background</c>, <c>Foreground</c> or <c>Orphan</c>; null for the resource's default (Background).</summary>
    public string? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Reads the options of a DELETE: a DeleteOptions body (JSON) overridden by query parameters, as the API server merges them.</summary>
    public static DeleteOptions From(JsonObject? body, IQueryCollection query)
    {
        var policy = body.String("propagationPolicy");
        if (body?["orphanDependents"] is JsonValue orphan && orphan.TryGetValue<bool>(out var orphans))
            policy ??= orphans ? "Orphan" : "Background";
        long? grace = body.Number("gracePeriodSeconds");
        var dryRun = body?["dryRun"] is JsonArray modes && modes.Any(m => m?.ToString() == "All");
        if (query["propagationPolicy"].ToString() is { Length: > 0 } fromQuery)
            policy = fromQuery;
        if (query["orphanDependents"].ToString() is { Length: > 0 } orphanQuery)
            policy ??= orphanQuery == "true" ? "Orphan" : "Background";
        if (long.TryParse(query["gracePeriodSeconds"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var queryGrace))
            grace = queryGrace;
        dryRun |= ParseDryRun(query);
        if (policy is not (null or "Background" or "Foreground" or "Orphan"))
            throw KubernetesApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        if (grace < 0)
            throw KubernetesApiException.BadRequest($"gracePeriodSeconds: Invalid value: {grace}: must be greater than or equal to 0");
        return new DeleteOptions
        {
            PropagationPolicy = policy,
            GracePeriodSeconds = grace,
            PreconditionUid = body?["preconditions"].String("uid"),
            PreconditionResourceVersion = body?["preconditions"].String("resourceVersion"),
            DryRun = dryRun,
        };
    }

    /// <summary>The <c>dryRun</c> query parameter: only <c>All</c> is a valid value, as on the API server.</summary>
    public static bool ParseDryRun(IQueryCollection query)
    {
        var values = query["dryRun"].Where(v => !string.IsNullOrEmpty(v)).ToList();
        if (values.Any(v => v != "All"))
            throw KubernetesApiException.BadRequest($"Invalid dry run value: {string.Join(", ", values.Where(v => v != "All"))}: supported values: \"All\"");
        return values.Count > 0;
    }
}
