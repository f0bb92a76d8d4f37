namespace Mlops.ModelPromoter.Policies;

/// <summary>A gate on one of the run's final metrics, e.g. <c>accuracy</c> at least 0.85.</summary>
public sealed record MetricGate
{
    public required string Metric { get; init; }

    /// <summary>The value must be at least this (null: no lower bound).</summary>
    public double? Min { get; init; }

    /// <summary>The value must be at most this (null: no upper bound).</summary>
    public double? Max { get; init; }
}
