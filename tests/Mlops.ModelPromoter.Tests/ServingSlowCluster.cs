namespace Mlops.ModelPromoter.Tests;

/// <summary>A <see cref="ServingCluster"/> whose models take 2 s to load: far past the liveness probe's budget, within the startup probe's.</summary>
public sealed class ServingSlowCluster : ServingCluster
{
    protected override IEnumerable<KeyValuePair<string, string?>> SandboxSettings() =>
        base.SandboxSettings().Where(s => s.Key != "Sandbox:ModelServer:LoadTime").Append(new("Sandbox:ModelServer:LoadTime", "00:00:02"));

    protected override IEnumerable<KeyValuePair<string, string?>> PromoterSettings() =>
    [
        new("ModelPromoter:Serving:StartupTimeout", "00:10:00"),
    ];
}
