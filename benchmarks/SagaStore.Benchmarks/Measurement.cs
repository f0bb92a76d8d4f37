namespace Mlops.SagaStore.Benchmarks;

/// <summary>Transitions done in a measured time by one provider on one transport.</summary>
internal sealed record Measurement(SagaStoreProvider Provider, string Transport, int Sagas, int Transitions, TimeSpan Elapsed)
{
    public double PerSecond => Transitions / Elapsed.TotalSeconds;
}
