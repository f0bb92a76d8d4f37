using Mlops.Contracts;
using Mlops.ModelPromoter.Policies;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// Everything one attempt's Kubernetes objects are made from, decided once when the attempt is prepared (from the request,
/// the stack, the model's MLmodel and its policy) and kept in the serving saga, so a retry deploys exactly the same.
/// </summary>
public sealed record ModelServerPlan
{
    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string Namespace { get; init; }

    public required string Image { get; init; }

    /// <summary>What the image choice was made from, for people: e.g. <c>flavour pytorch</c>, <c>the policy's Image</c>.</summary>
    public required string ImageChosenBy { get; init; }

    /// <summary>The MLmodel's flavours, in its order.</summary>
    public required IReadOnlyList<string> Flavors { get; init; }

    public required string EnvManager { get; init; }

    public required int Replicas { get; init; }

    public required ServingResources Resources { get; init; }

    public required ServingExposure Exposure { get; init; }

    /// <summary>MLflow as the pods reach it (from the stack).</summary>
    public required string TrackingUri { get; init; }

    /// <summary>MinIO's S3 API as the pods reach it (from the stack).</summary>
    public required string S3Endpoint { get; init; }

    /// <summary>The Secret in <see cref="Namespace"/> the pods take the S3 keys from, by secretKeyRef.</summary>
    public required StackCredentials Credentials { get; init; }

    public required int StartupFailureThreshold { get; init; }

    public required int ProgressDeadlineSeconds { get; init; }

    public required ArtifactLocation Artifacts { get; init; }

    /// <summary>The policy's own <c>/invocations</c> body, which comes before the model's examples.</summary>
    public string? SmokeInput { get; init; }

    public string? LegacyStage { get; init; }

    /// <summary>A pinned version, so a rollback serves exactly what served before.</summary>
    public string ModelUri => $"models:/{ModelName}/{Version}";
}
