using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Mlops.ModelPromoter.Triggers.Webhooks;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>The signature check of MLflow's deliveries, on the fixture delivery and on one signed by Python's hmac module.</summary>
public sealed class MlflowWebhookSignatureTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private sealed record Delivery(string Secret, string Id, string Timestamp, string Signature, string Body)
    {
        public DateTimeOffset At => DateTimeOffset.FromUnixTimeSeconds(long.Parse(Timestamp, System.Globalization.CultureInfo.InvariantCulture));

        public MlflowWebhookCheck Check(string? secret = null, string? body = null, DateTimeOffset? now = null, string? signature = null, string? id = null,
            string? timestamp = null) =>
            MlflowWebhookSignature.Check(id ?? Id, timestamp ?? Timestamp, signature ?? Signature, Encoding.UTF8.GetBytes(body ?? Body), secret ?? Secret,
                now ?? At, Tolerance);
    }

    private static async Task<Delivery> FixtureAsync()
    {
        var fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.FixturesDirectory, "mlflow-webhook-model-version-created.json"))).RootElement;
        var headers = fixture.GetProperty("headers");
        return new Delivery(fixture.GetProperty("secret").GetString()!, headers.GetProperty("X-MLflow-Delivery-Id").GetString()!,
            headers.GetProperty("X-MLflow-Timestamp").GetString()!, headers.GetProperty("X-MLflow-Signature").GetString()!, fixture.GetProperty("body").GetString()!);
    }

    [Fact]
    public async Task Should_verify_the_fixture_delivery_at_its_own_time()
    {
        var delivery = await FixtureAsync();

        var check = delivery.Check();

        Assert.True(check.Accepted, check.Reason);
        Assert.Equal(Guid.Parse(delivery.Id), check.DeliveryId);
    }

    [Fact]
    public async Task Should_verify_a_delivery_signed_by_Pythons_hmac_module()
    {
        var secret = "whsec-" + Guid.NewGuid().ToString("N");
        var id = Guid.NewGuid().ToString();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = "{\"entity\":\"model_version\",\"action\":\"created\",\"timestamp\":\"2026-11-20T10:15:03.120000+00:00\",\"data\":{\"name\":\"modèle_ü\",\"version\":\"3\"}}";
        var signature = await PythonSignAsync(secret, id, timestamp, body);

        var check = MlflowWebhookSignature.Check(id, timestamp, signature, Encoding.UTF8.GetBytes(body), secret, DateTimeOffset.UtcNow, Tolerance);

        Assert.True(check.Accepted, check.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_changed_body_a_wrong_secret_and_no_secret_with_401()
    {
        var delivery = await FixtureAsync();

        Assert.Equal((401, "the signature does not match the body"), Answer(delivery.Check(body: delivery.Body.Replace("\"7\"", "\"8\"", StringComparison.Ordinal))));
        Assert.Equal((401, "the signature does not match the body"), Answer(delivery.Check(body: delivery.Body + " ")));
        Assert.Equal((401, "the signature does not match the body"), Answer(delivery.Check(secret: "whsec-another-secret-entirely")));
        Assert.Equal(401, delivery.Check(secret: "").Status);
    }

    [Fact]
    public async Task Should_refuse_timestamps_more_than_five_minutes_away_either_way()
    {
        var delivery = await FixtureAsync();

        Assert.True(delivery.Check(now: delivery.At.AddMinutes(4.9)).Accepted);
        Assert.True(delivery.Check(now: delivery.At.AddMinutes(-4.9)).Accepted);
        Assert.Equal(401, delivery.Check(now: delivery.At.AddMinutes(5.1)).Status);
        Assert.Equal(401, delivery.Check(now: delivery.At.AddMinutes(-5.1)).Status);
        Assert.Contains("more than 5 min from now", delivery.Check(now: delivery.At.AddHours(1)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_missing_or_malformed_headers_with_400()
    {
        var delivery = await FixtureAsync();

        Assert.Equal(400, delivery.Check(id: "").Status);
        Assert.Equal(400, delivery.Check(id: "not-a-uuid").Status);
        Assert.Equal(400, delivery.Check(timestamp: "").Status);
        Assert.Equal(400, delivery.Check(timestamp: "2026-11-20T10:15:03Z").Status);
        Assert.Equal(400, delivery.Check(signature: "").Status);
        Assert.Equal(400, delivery.Check(signature: delivery.Signature[3..]).Status);
        Assert.Equal(400, delivery.Check(signature: "v1,not base64!").Status);
        Assert.Equal(400, delivery.Check(signature: "v1," + Convert.ToBase64String(new byte[16])).Status);
    }

    [Fact]
    public void Should_recognise_MLflows_test_delivery_and_read_the_events_it_acts_on()
    {
        var test = MlflowWebhookEvent.Parse(Encoding.UTF8.GetBytes(
            "{\"entity\":\"model_version\",\"action\":\"created\",\"timestamp\":\"2026-11-20T10:15:03+00:00\",\"data\":{\"name\":\"example_model\",\"version\":\"1\",\"source\":\"models:/123\",\"run_id\":\"abcd1234abcd5678\",\"tags\":{\"example_key\":\"example_value\"},\"description\":\"An example model version\"}}"));
        var alias = MlflowWebhookEvent.Parse(Encoding.UTF8.GetBytes(
            "{\"entity\":\"MODEL_VERSION_ALIAS\",\"action\":\"CREATED\",\"timestamp\":\"2026-11-20T10:15:03+00:00\",\"data\":{\"name\":\"cnn_classifier\",\"alias\":\"production\",\"version\":\"7\"}}"));

        Assert.True(test.IsTest);
        Assert.Equal((MlflowWebhookEvent.AliasCreated, "cnn_classifier", "production", "7", false), (alias.Name, alias.ModelName, alias.Alias, alias.Version, alias.IsTest));
        Assert.Throws<FormatException>(() => MlflowWebhookEvent.Parse("{\"entity\":\"model_version\"}"u8));
        Assert.Throws<FormatException>(() => MlflowWebhookEvent.Parse("not json"u8));
    }

    [Fact]
    public void Should_read_when_the_event_happened_and_accept_a_body_without_it()
    {
        // MLflow writes datetime.now(timezone.utc).isoformat(): microseconds and an offset.
        var stamped = MlflowWebhookEvent.Parse(Encoding.UTF8.GetBytes(
            "{\"entity\":\"model_version_alias\",\"action\":\"deleted\",\"timestamp\":\"2026-11-20T10:15:03.123456+00:00\",\"data\":{\"name\":\"m\",\"alias\":\"production\"}}"));
        var unstamped = MlflowWebhookEvent.Parse(Encoding.UTF8.GetBytes(
            "{\"entity\":\"model_version_alias\",\"action\":\"deleted\",\"timestamp\":\"yesterday\",\"data\":{\"name\":\"m\",\"alias\":\"production\"}}"));

        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 3, TimeSpan.Zero).AddTicks(1_234_560), stamped.Timestamp);
        Assert.Null(unstamped.Timestamp);
    }

    private static (int, string) Answer(MlflowWebhookCheck check) => (check.Status, check.Reason);

    // An implementation that shares nothing with ours: CPython's hmac and base64.
    private static async Task<string> PythonSignAsync(string secret, string id, string timestamp, string body)
    {
        var script = "import base64,hashlib,hmac,sys\nsecret,id,ts=sys.argv[1:4]\nbody=sys.stdin.buffer.read()\n"
            + "print('v1,'+base64.b64encode(hmac.new(secret.encode(),f'{id}.{ts}.'.encode()+body,hashlib.sha256).digest()).decode())";
        using var process = Process.Start(new ProcessStartInfo("python3", ["-c", script, secret, id, timestamp])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(body));
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
