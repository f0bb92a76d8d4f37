using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>One request to serve a version, as a promotion handed it over (<see cref="ServeModelVersion"/>); kept while it waits or runs.</summary>
public sealed record ServingRequest
{
    public required Guid PromotionId { get; init; }

    public required Guid FlowId { get; init; }

    public required string Version { get; init; }

    public required string Alias { get; init; }

    public required bool Deliberate { get; init; }

    public required string Trigger { get; init; }

    public required string RunId { get; init; }

    public required string ArtifactLocation { get; init; }

    public required StackReady Stack { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    public static ServingRequest From(ServeModelVersion message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new ServingRequest
        {
            PromotionId = message.PromotionId,
            FlowId = message.FlowId,
            Version = message.Version.Trim(),
            Alias = message.Alias,
            Deliberate = message.Deliberate,
            Trigger = message.Trigger,
            RunId = message.RunId,
            ArtifactLocation = message.ArtifactLocation,
            Stack = message.Stack,
            RequestedAt = now,
        };
    }
}
