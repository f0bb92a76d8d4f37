namespace Mlops.SagaStore.Benchmarks;

/// <summary>Transitions done in a measured time by one saga repository on one transport.</summary>
internal sealed record Measurement(string Repository, string Transport, bool Publishes, int Sagas, int Transitions, TimeSpan Elapsed)
{
    public double PerSecond => Transitions / Elapsed.TotalSeconds;
}
