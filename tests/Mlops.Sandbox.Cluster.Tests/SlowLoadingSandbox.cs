namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// A sandbox whose models take 2 s to load, with probe times scaled 1:10: a liveness probe of period 2 s and threshold 3
/// gives up after about 0.6 s, well before the model is loaded, while a startup probe of threshold 60 waits 12 s.
/// </summary>
public sealed class SlowLoadingSandbox : ClusterSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>
    {
        ["Sandbox:ModelServer:LoadTime"] = "00:00:02",
        ["Sandbox:Kubernetes:ProbeTimeScale"] = "0.1",
    };
}
