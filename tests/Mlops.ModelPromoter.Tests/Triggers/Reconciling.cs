using Microsoft.Extensions.DependencyInjection;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.ModelPromoter.Triggers;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>The reconciliation on a short interval, and ways to wait for its passes.</summary>
public static class Reconciling
{
    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ModelPromoter:Reconciliation:Enabled"] = "true",
            ["ModelPromoter:Reconciliation:Interval"] = "00:00:00.500",
            ["ModelPromoter:Reconciliation:FirstPassDelay"] = "00:00:00",
        };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        return settings;
    }

    /// <summary>Waits until the first pass recorded the baseline.</summary>
    public static Task BaselineAsync(PromoterRig rig) =>
        rig.WaitForSagaAsync<RegistryReconciliationState>(RegistryReconciliationStateMachine.Id, (r, _) => r.State == "Baselined", "the baseline recorded",
            TimeSpan.FromSeconds(60));

    /// <summary>Waits until <paramref name="passes"/> passes have finished after now.</summary>
    public static async Task PassesAsync(PromoterRig rig, int passes = 2)
    {
        var activity = rig.Promoter!.Services.GetRequiredService<TriggerActivity>();
        for (var i = 0; i < passes; i++)
        {
            var after = DateTimeOffset.UtcNow;
            await Eventually.HoldsAsync(() => activity.LastSeen(PromotionTriggers.Reconciliation) > after.AddSeconds(-1) && DateTimeOffset.UtcNow > after.AddSeconds(1.2),
                "a reconciliation pass");
        }
    }
}
