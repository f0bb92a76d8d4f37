namespace Mlops.ModelPromoter.Ops;

/// <summary>The optional body of <c>POST /ops/models/{model}/versions/{version}/promote</c>.</summary>
public sealed record PromoteBody
{
    /// <summary>The alias to point at the version; null: the model's policy's target alias.</summary>
    public string? Alias { get; init; }

    /// <summary>Wait for an approval even though a person chose the version.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>Why, for the promotion's history.</summary>
    public string? Reason { get; init; }
}
