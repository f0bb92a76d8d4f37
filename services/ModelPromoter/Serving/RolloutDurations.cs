using System.Diagnostics.Metrics;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// How long rollouts take, from the attempt's start to served or rolled back: the histogram
/// <c>mlops.serving.rollout.duration</c> (Prometheus: <c>mlops_serving_rollout_duration_seconds{outcome}</c>, outcome
/// <c>served</c> or <c>failed</c>), recorded once per committed outcome.
/// </summary>
public sealed class RolloutDurations
{
    public const string MeterName = "Mlops.ModelPromoter.Serving";
    public const string InstrumentName = "mlops.serving.rollout.duration";
    public const string Served = "served";
    public const string Failed = "failed";

    private readonly Histogram<double> _durations;

    public RolloutDurations(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        // Rollouts take seconds to many minutes (image pulls, model loading): buckets from 1 s to an hour.
        _durations = Meter.CreateHistogram(InstrumentName, unit: "s",
            description: "Time from the start of a rollout attempt to its outcome, by outcome (served, failed)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 3600] });
    }

    /// <summary>This host's meter, from its <see cref="IMeterFactory"/> (a listener can tell it from other hosts' when each has its own factory).</summary>
    public Meter Meter { get; }

    public void Record(string outcome, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        _durations.Record(Math.Max(0, (endedAt - startedAt).TotalSeconds), new KeyValuePair<string, object?>("outcome", outcome));
}
