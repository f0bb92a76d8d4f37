using System.Net;
using System.Text.Json;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Ops;

/// <summary><c>GET /ops/triggers</c>: every trigger source with when it was last heard from, behind the ops token.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_an_operator_reads_the_trigger_sources(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_list_every_source_silent_at_start_and_the_time_a_source_spoke()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox,
            new Dictionary<string, string?> { [ModelOpsClient.Setting.Key] = ModelOpsClient.Setting.Value }, listen: true);
        using var ops = new ModelOpsClient(rig.Url!, ModelOpsClient.Token);
        using var stranger = new ModelOpsClient(rig.Url!, null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/ops/triggers")).Status);
        var (status, silent, type) = await ops.GetAsync("/ops/triggers");
        Assert.Equal((HttpStatusCode.OK, "application/json"), (status, type));
        Assert.Equal(["ModelRegistered", "minio", "webhook", "reconciliation", "PromoteModel"],
            silent.EnumerateArray().Select(t => t.GetProperty("source").GetString()));
        Assert.All(silent.EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("lastSeenAt").ValueKind));

        // The gauge keeps whole seconds.
        var before = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stackName: null));

        JsonElement heard = default;
        await Eventually.HoldsAsync(async () =>
        {
            var (_, triggers, _) = await ops.GetAsync("/ops/triggers");
            heard = triggers.EnumerateArray().Single(t => t.GetProperty("source").GetString() == "ModelRegistered");
            return heard.GetProperty("lastSeenAt").ValueKind == JsonValueKind.String;
        }, "ModelRegistered heard from");
        var at = heard.GetProperty("lastSeenAt").GetDateTimeOffset();
        Assert.InRange(at, before, DateTimeOffset.UtcNow);
        var (_, after, _) = await ops.GetAsync("/ops/triggers");
        Assert.All(after.EnumerateArray().Where(t => t.GetProperty("source").GetString() is "webhook" or "reconciliation"),
            t => Assert.Equal(JsonValueKind.Null, t.GetProperty("lastSeenAt").ValueKind));
    }
}
