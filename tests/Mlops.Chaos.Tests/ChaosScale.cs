namespace Mlops.Chaos.Tests;

/// <summary>
/// How much chaos a run has: the short version in <c>./test.sh --full</c> (CI), the full one with <c>./test.sh --soak</c>
/// (which sets <c>MLOPS_SOAK=1</c>).
/// </summary>
public sealed record ChaosScale(int Flows, int KillsPerService, TimeSpan MlflowOutage)
{
    public static ChaosScale Current { get; } = Environment.GetEnvironmentVariable("MLOPS_SOAK") == "1"
        ? new ChaosScale(200, 3, TimeSpan.FromSeconds(60))
        : new ChaosScale(20, 1, TimeSpan.FromSeconds(30));

    /// <summary>Long enough for every flow on this machine with the faults a scenario adds; a flow not served by then is lost.</summary>
    public TimeSpan FlowLimit => TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(3 * Flows) + MlflowOutage;
}
