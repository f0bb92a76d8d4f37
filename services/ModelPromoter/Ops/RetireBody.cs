namespace Mlops.ModelPromoter.Ops;

/// <summary>The optional body of <c>POST /ops/models/{model}/retire</c>.</summary>
public sealed record RetireBody
{
    public string? Reason { get; init; }
}
