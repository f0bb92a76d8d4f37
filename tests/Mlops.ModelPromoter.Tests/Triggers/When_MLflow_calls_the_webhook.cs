using System.Globalization;
using System.Net;
using System.Text;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Sandbox.Mlflow;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>
/// MLflow 3's webhooks to <c>POST /webhooks/mlflow</c> on a real port: a version created in MLflow is served, the alias moved
/// by hand is served once, the product's own alias writes and MLflow's test delivery start nothing, and deliveries that are
/// not MLflow's are refused.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_MLflow_calls_the_webhook(PromoterSandbox sandbox)
{
    private static readonly Dictionary<string, string?> Settings = new() { ["ModelPromoter:Webhook:Secret"] = MlflowWebhook.Secret };

    [Fact]
    public async Task Should_serve_created_versions_and_the_alias_a_person_moves_once_and_never_its_own_alias_writes()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, Settings, listen: true);
        await using var webhook = await MlflowWebhook.CreateAsync(rig);
        await rig.StackAsync();
        var model = RegistrySeed.NewModelName();

        var (v1, _, _) = await rig.Registry.UnwatchedVersionAsync(model);
        var (_, first) = await rig.InStateAsync(PromotionIds.Automatic(model, v1), "Promoted");
        Assert.Equal(PromotionTriggers.Webhook, first.Trigger);
        Assert.Single(await rig.RolloutCompleteAsync(model, v1));
        await AliasSeenAsync(rig, model, v1);
        var (v2, _, _) = await rig.Registry.UnwatchedVersionAsync(model);
        await rig.InStateAsync(PromotionIds.Automatic(model, v2), "Promoted");
        await AliasSeenAsync(rig, model, v2);
        Assert.Equal(2, rig.Serving.For(model).Count);

        await rig.Registry.SetAliasAsync(model, "production", v1);
        await Eventually.HoldsAsync(() => rig.Serving.For(model).Count == 3, "the version a person pointed the alias at served");
        await rig.InStateAsync(rig.Serving.For(model)[2].PromotionId, "Promoted");
        await AliasSeenAsync(rig, model, v1);
        await rig.Registry.DeleteAliasAsync(model, "production");
        await rig.WaitForSagaAsync<RegistryAliasState>(RegistryAliasStateMachine.IdOf(model, "production"), (_, s) => s.LastSeenVersion is null, "the removal recorded");

        var chosen = rig.Serving.For(model)[2];
        Assert.Equal((v1, true, PromotionTriggers.Alias), (chosen.Version, chosen.Deliberate, chosen.Trigger));
        Assert.Equal(3, rig.Serving.For(model).Count);
        Assert.All(sandbox.Mlflow.Deliveries.Deliveries.Where(d => d.WebhookId == webhook.Id), d => Assert.Equal(200, d.StatusCode));
    }

    [Fact]
    public async Task Should_answer_MLflows_test_delivery_and_start_nothing()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, Settings, listen: true);
        await using var webhook = await MlflowWebhook.CreateAsync(rig);

        var result = await webhook.TestAsync();

        Assert.True(result.GetProperty("success").GetBoolean());
        Assert.Equal(200, result.GetProperty("response_status").GetInt32());
        Assert.Null(await rig.Catalog.FindAsync(PromotionIds.Automatic("example_model", "1")));
        Assert.Null(await rig.Catalog.FindAsync(RegistryAliasStateMachine.IdOf("example_model", "example_alias")));
    }

    [Fact]
    public async Task Should_refuse_what_MLflow_did_not_sign_now_and_a_repeated_delivery()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, Settings, listen: true);
        using var http = new HttpClient { BaseAddress = rig.Url };
        var model = RegistrySeed.NewModelName();
        var body = Created(model, "4");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, Signed(body, Guid.NewGuid(), now)));
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, Signed(Created(model, "5"), id, now)));
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(http, Signed(Created(model, "5"), id, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, Signed(body, Guid.NewGuid(), now) with { Body = body.Replace("\"4\"", "\"6\"", StringComparison.Ordinal) }));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, Signed(body, Guid.NewGuid(), now, secret: "whsec-not-the-promoters-secret")));
        // Taken afresh: the deliveries before took time, and Unix seconds cut the fraction, so a margin of one second could close.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, Signed(body, Guid.NewGuid(), UnixNow() - 303)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, Signed(body, Guid.NewGuid(), UnixNow() + 303)));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, Signed(body, Guid.NewGuid(), now) with { Signature = null }));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, Signed(body, Guid.NewGuid(), now) with { Timestamp = "yesterday" }));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, Signed(Created(model, "../7"), Guid.NewGuid(), now)));
        var large = "{\"entity\":\"model_version\",\"action\":\"created\",\"data\":{\"name\":\"" + new string('x', 300 * 1024) + "\",\"version\":\"1\"}}";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(http, Signed(large, Guid.NewGuid(), now)));

        await rig.WaitForAsync(PromotionIds.Automatic(model, "4"), (_, p) => p.Trigger == PromotionTriggers.Webhook, "the first delivery's promotion");
        await rig.WaitForAsync(PromotionIds.Automatic(model, "5"), (_, p) => p.Trigger == PromotionTriggers.Webhook, "the second delivery's promotion");
        Assert.Null(await rig.FindAsync(PromotionIds.Automatic(model, "6")));
    }

    [Fact]
    public async Task Should_take_a_delivery_it_answered_with_a_5xx_when_MLflow_retries_it_with_the_same_id()
    {
        await using var schema = await PostgresSchema.CreateAsync("promoter_webhook");
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(schema.ConnectionString);
        await using var relay = new TcpRelay(postgres.Host!, postgres.Port);
        postgres.Host = "127.0.0.1";
        postgres.Port = relay.Port;
        postgres.Timeout = 3;
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?>(Settings)
        {
            ["SagaStore:Provider"] = "Postgres",
            ["SagaStore:ConnectionString"] = postgres.ConnectionString,
        }, listen: true);
        using var http = new HttpClient { BaseAddress = rig.Url, Timeout = TimeSpan.FromSeconds(60) };
        var model = RegistrySeed.NewModelName();
        var delivery = Signed(Created(model, "3"), Guid.NewGuid(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        relay.Cut();
        var refused = await PostAsync(http, delivery);
        relay.Restore();
        var retried = await PostAsync(http, delivery);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Equal(HttpStatusCode.OK, retried);
        await rig.WaitForAsync(PromotionIds.Automatic(model, "3"), (_, p) => p.Trigger == PromotionTriggers.Webhook, "the retried delivery's promotion");
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(http, delivery));
    }

    [Fact]
    public async Task Should_date_an_alias_observation_by_the_bodys_timestamp_or_else_by_the_signed_header()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, Settings, listen: true);
        using var http = new HttpClient { BaseAddress = rig.Url };
        var model = RegistrySeed.NewModelName();
        var alias = RegistryAliasStateMachine.IdOf(model, "production");
        var now = UnixNow();
        // Neither the header's time nor the promoter's clock: only the body can have put this time into the saga.
        var happened = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-90).ToUnixTimeMilliseconds());

        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, Signed(AliasDeleted(model, happened), Guid.NewGuid(), now)));
        await rig.WaitForSagaAsync<RegistryAliasState>(alias, (_, s) => s.LastSeenAt == happened, $"the alias seen at the body's {happened:O}");

        var signedAt = now + 1;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, Signed(AliasDeleted(model, null), Guid.NewGuid(), signedAt)));
        await rig.WaitForSagaAsync<RegistryAliasState>(alias, (_, s) => s.LastSeenAt == DateTimeOffset.FromUnixTimeSeconds(signedAt),
            "a body without a timestamp dated by the signed header");
    }

    private static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string AliasDeleted(string model, DateTimeOffset? at) =>
        $$$"""{"entity":"model_version_alias","action":"deleted",{{{(at is { } t ? $"\"timestamp\":\"{t:O}\"," : "")}}}"data":{"name":"{{{model}}}","alias":"production"}}""";

    private sealed record Delivery(string Body, string Id, string? Timestamp, string? Signature);

    private static string Created(string model, string version) =>
        $$$"""{"entity":"model_version","action":"created","timestamp":"{{{DateTimeOffset.UtcNow:O}}}","data":{"name":"{{{model}}}","version":"{{{version}}}","source":"s3://mlflow/0/x/artifacts/model","run_id":"","tags":{},"description":null}}""";

    // Signed with the sandbox's implementation of MLflow's signing, not the promoter's.
    private static Delivery Signed(string body, Guid id, long timestamp, string secret = MlflowWebhook.Secret)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        return new Delivery(body, id.ToString(), ts, WebhookSignature.Sign(secret, id.ToString(), ts, body));
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, Delivery delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/mlflow") { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.DeliveryIdHeader, delivery.Id);
        if (delivery.Timestamp is not null)
            request.Headers.Add(WebhookSignature.TimestampHeader, delivery.Timestamp);
        if (delivery.Signature is not null)
            request.Headers.Add(WebhookSignature.SignatureHeader, delivery.Signature);
        using var answer = await http.SendAsync(request);
        return answer.StatusCode;
    }

    // The alias saga saw the alias at the version, and no write of our own is still expected: its webhook was taken.
    private static async Task AliasSeenAsync(PromoterRig rig, string model, string version) =>
        await rig.WaitForSagaAsync<RegistryAliasState>(RegistryAliasStateMachine.IdOf(model, "production"),
            (_, s) => s.LastSeenVersion == version && s.OwnWrites.Count == 0, $"alias production seen at {version}");
}
