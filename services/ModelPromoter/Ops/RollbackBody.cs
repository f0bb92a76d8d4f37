namespace Mlops.ModelPromoter.Ops;

/// <summary>The body of <c>POST /ops/models/{model}/rollback</c>.</summary>
public sealed record RollbackBody
{
    /// <summary>Why the model goes back; required, checked by the endpoint so the answer names the field.</summary>
    public string? Reason { get; init; }

    /// <summary>The version to serve again; null: the last good one before the current, from the ledger.</summary>
    public string? ToVersion { get; init; }
}
