namespace Mlops.ModelPromoter.Watchers;

/// <summary>What kubectl's rollout rule says of one Deployment, in kubectl's words.</summary>
public sealed record RolloutVerdict(RolloutStatus Status, string Message);
