namespace Mlops.Contracts;

/// <summary>
/// Asks the ModelPromoter to serve one registered model version and point an alias at it: a person's deliberate choice,
/// so the version may replace a newer one, and the choice counts as approval given by <see cref="RequestedBy"/>. The version
/// is still verified (READY) and gated like any other. One request is one attempt: a repeat of the same
/// <see cref="RequestId"/> (or, without one, of the same message) changes nothing.
/// </summary>
public sealed record PromoteModel : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary>
    /// The alias pointed at the version once it serves (MLflow's stages are deprecated in favour of aliases); null: the
    /// model's policy's <c>TargetAlias</c>, <c>production</c> unless configured.
    /// </summary>
    public string? Alias { get; init; }

    /// <summary>Wait for <see cref="ApprovePromotion"/> even though a person chose the version.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>This request's own id, its promotion attempt; null: the message id.</summary>
    public Guid? RequestId { get; init; }

    /// <summary>Who chose the version (recorded as its approver); null: <c>PromoteModel</c>.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the promotion's history.</summary>
    public string? Reason { get; init; }

    /// <summary>What asked on a person's behalf, e.g. <c>RollbackModel</c>; null: the command itself.</summary>
    public string? Trigger { get; init; }
}
