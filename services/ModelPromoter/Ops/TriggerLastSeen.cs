namespace Mlops.ModelPromoter.Ops;

/// <summary>One trigger source and when it was last heard from (null: not since the promoter started), as <c>GET /ops/triggers</c> lists it.</summary>
public sealed record TriggerLastSeen
{
    public required string Source { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }
}
