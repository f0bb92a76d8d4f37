namespace Mlops.Flow.Benchmarks;

/// <summary>
/// Flows taken from ModelRegistered to ServingRolloutComplete: how long the whole batch took, each flow's latency, and
/// what the broker counted meanwhile (when it was counted).
/// </summary>
internal sealed record FlowResult(IReadOnlyList<RegisteredModel> Models, IReadOnlyList<DateTimeOffset> SentAt, TimeSpan Elapsed,
    IReadOnlyList<double> LatenciesMs, BrokerCount? Broker)
{
    public int Flows => Models.Count;

    public double PerSecond => Flows / Elapsed.TotalSeconds;

    public Latency Latency => Latency.Of(LatenciesMs);
}
