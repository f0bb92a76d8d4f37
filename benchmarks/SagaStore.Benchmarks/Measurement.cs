namespace Mlops.SagaStore.Benchmarks;

/// <summary>Transitions done in a measured time by one saga repository on one transport, and the CPU the machine spent on them.</summary>
internal sealed record Measurement(string Repository, string Transport, bool Publishes, int Sagas, int Transitions, TimeSpan Elapsed, CpuSnapshot Cpu)
{
    public double PerSecond => Transitions / Elapsed.TotalSeconds;

    /// <summary>Milliseconds of CPU per transition.</summary>
    public double PerTransition(double seconds) => seconds * 1000 / Transitions;

    /// <summary>The share of the machine's cores that no process used during the measurement.</summary>
    public double IdleShare => Cpu.Idle / (Elapsed.TotalSeconds * Environment.ProcessorCount);
}
