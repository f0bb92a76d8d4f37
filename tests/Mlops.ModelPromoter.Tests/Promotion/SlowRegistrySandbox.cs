namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>A sandbox whose registry keeps new versions PENDING_REGISTRATION for 3 s, long enough to be seen waiting.</summary>
public sealed class SlowRegistrySandbox : PromoterSandbox
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>
    {
        ["Sandbox:mlflow:ModelVersionReadyDelay"] = "00:00:03",
    };
}
