using System.Text.Json;
using Mlops.Sandbox.Mlflow;
using Mlops.Testing;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>MLflow 3 webhooks: managed over REST, delivered signed as MLflow signs them, retried on 5xx.</summary>
public sealed class MlflowWebhookTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    private const string Secret = "whsec-sandbox-test";

    [Fact]
    public async Task Should_sign_the_fixture_delivery_bit_for_bit()
    {
        var fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.FixturesDirectory, "mlflow-webhook-model-version-created.json"))).RootElement;
        var headers = fixture.GetProperty("headers");
        var (secret, id, timestamp, body) = (fixture.Text("secret"), headers.Text("X-MLflow-Delivery-Id"), headers.Text("X-MLflow-Timestamp"), fixture.Text("body"));

        Assert.Equal(headers.Text("X-MLflow-Signature"), WebhookSignature.Sign(secret, id, timestamp, body));
        Assert.True(WebhookSignature.Verify(secret, id, timestamp, body, headers.Text("X-MLflow-Signature")));
        Assert.False(WebhookSignature.Verify(secret, id, timestamp, body.Replace("\"7\"", "\"8\"", StringComparison.Ordinal), headers.Text("X-MLflow-Signature")));
    }

    [Fact]
    public async Task Should_deliver_version_created_and_alias_events_with_verifiable_signatures()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await CreateWebhookAsync(http, receiver, ("model_version", "created"), ("model_version_alias", "created"), ("model_version_alias", "deleted"));

        await http.OkAsync(HttpMethod.Post, "registered-models/create", new { name });
        await http.OkAsync(HttpMethod.Post, "model-versions/create", new { name, source = "s3://mlflow/3/r/artifacts/model", run_id = "r", tags = new[] { new { key = "arch", value = "vgg16" } } });
        await http.OkAsync(HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "1" });
        await http.OkAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" });
        await Eventually.HoldsAsync(() => Mine(receiver, name).Count == 3, "three deliveries for the model");

        var deliveries = Mine(receiver, name);
        foreach (var delivery in deliveries)
        {
            Assert.True(WebhookSignature.Verify(Secret, delivery.DeliveryId, delivery.Timestamp, delivery.Body, delivery.Signature), $"signature of {delivery.Body}");
            Assert.True(Guid.TryParse(delivery.DeliveryId, out _));
            Assert.InRange(long.Parse(delivery.Timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            Assert.Equal("application/json", delivery.ContentType);
        }
        var bodies = deliveries.Select(d => JsonDocument.Parse(d.Body).RootElement).ToList();
        Assert.Equal(["model_version.created", "model_version_alias.created", "model_version_alias.deleted"],
            bodies.Select(b => $"{b.Text("entity")}.{b.Text("action")}").Order(StringComparer.Ordinal));
        var created = bodies.Single(b => b.Text("entity") == "model_version");
        Assert.Equal(["entity", "action", "timestamp", "data"], created.EnumerateObject().Select(p => p.Name));
        Assert.True(DateTimeOffset.TryParse(created.Text("timestamp"), System.Globalization.CultureInfo.InvariantCulture, out _));
        var data = created.GetProperty("data");
        Assert.Equal(["name", "version", "source", "run_id", "tags", "description"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1", data.Text("version"));
        Assert.Equal("vgg16", data.GetProperty("tags").Text("arch"));
        var alias = bodies.Single(b => b.Text("entity") == "model_version_alias" && b.Text("action") == "created").GetProperty("data");
        Assert.Equal(("champion", "1"), (alias.Text("alias"), alias.Text("version")));
    }

    [Fact]
    public async Task Should_retry_a_delivery_answered_with_503_until_it_is_taken()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await CreateWebhookAsync(http, receiver, ("registered_model", "created"));

        await http.OkAsync(HttpMethod.Post, "registered-models/create", new { name });
        await Eventually.HoldsAsync(() => Mine(receiver, name).Any(d => d.AnsweredStatus == 200), "a delivery that was taken");

        Assert.Equal([503, 503, 200], Mine(receiver, name).Select(d => d.AnsweredStatus));
    }

    [Fact]
    public async Task Should_resend_the_same_delivery_id_timestamp_and_signature_after_a_500()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1, failStatus: 500);
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await CreateWebhookAsync(http, receiver, ("registered_model", "created"));

        await http.OkAsync(HttpMethod.Post, "registered-models/create", new { name });
        await Eventually.HoldsAsync(() => Mine(receiver, name).Any(d => d.AnsweredStatus == 200), "the delivery taken after the 500");

        var (refused, taken) = (Mine(receiver, name)[0], Mine(receiver, name)[1]);
        Assert.Equal([500, 200], Mine(receiver, name).Select(d => d.AnsweredStatus));
        Assert.Equal((refused.DeliveryId, refused.Timestamp, refused.Signature, refused.Body), (taken.DeliveryId, taken.Timestamp, taken.Signature, taken.Body));
        Assert.True(WebhookSignature.Verify(Secret, taken.DeliveryId, taken.Timestamp, taken.Body, taken.Signature));
    }

    [Fact]
    public async Task Should_wait_as_long_as_retry_after_says_before_the_retry()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1, failStatus: 429, retryAfter: "1");
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await CreateWebhookAsync(http, receiver, ("registered_model", "created"));

        await http.OkAsync(HttpMethod.Post, "registered-models/create", new { name });
        await Eventually.HoldsAsync(() => Mine(receiver, name).Any(d => d.AnsweredStatus == 200), "the delivery taken after the 429");

        // urllib3 retries at once without the header (the base delay here is 0.1 s); with it, it waits the second out.
        var deliveries = Mine(receiver, name);
        Assert.Equal(deliveries[0].DeliveryId, deliveries[1].DeliveryId);
        Assert.True(deliveries[1].At - deliveries[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(deliveries[1].At - deliveries[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Should_send_mlflows_example_payload_from_the_test_endpoint()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = sandbox.MlflowClient();
        var id = await CreateWebhookAsync(http, receiver, ("model_version_alias", "created"), ("model_version", "created"));

        var tested = (await http.OkAsync(HttpMethod.Post, $"webhooks/{id}/test", new { @event = new { entity = "MODEL_VERSION", action = "CREATED" } })).GetProperty("result");

        Assert.True(tested.GetProperty("success").GetBoolean());
        var body = JsonDocument.Parse(Assert.Single(receiver.Deliveries).Body).RootElement;
        Assert.Equal(("model_version", "created"), (body.Text("entity"), body.Text("action")));
        var data = body.GetProperty("data");
        Assert.Equal(("example_model", "1", "models:/123", "abcd1234abcd5678", "An example model version"),
            (data.Text("name"), data.Text("version"), data.Text("source"), data.Text("run_id"), data.Text("description")));
        Assert.Equal("example_value", data.GetProperty("tags").Text("example_key"));
    }

    [Fact]
    public async Task Should_retry_the_test_delivery_and_report_the_final_answer()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1, failStatus: 503);
        using var http = sandbox.MlflowClient();
        var id = await CreateWebhookAsync(http, receiver, ("model_version_alias", "deleted"));

        var tested = (await http.OkAsync(HttpMethod.Post, $"webhooks/{id}/test", new { })).GetProperty("result");

        Assert.Equal((true, 200), (tested.GetProperty("success").GetBoolean(), tested.GetProperty("response_status").GetInt32()));
        Assert.Equal([503, 200], receiver.Deliveries.Select(d => d.AnsweredStatus));
        Assert.Equal("{\"name\": \"example_model\", \"alias\": \"example_alias\"}".Replace(" ", "", StringComparison.Ordinal),
            JsonDocument.Parse(receiver.Deliveries.Last().Body).RootElement.GetProperty("data").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_accept_http_and_private_addresses_with_both_settings_on()
    {
        using var http = sandbox.MlflowClient();

        var created = await http.OkAsync(HttpMethod.Post, "webhooks", new
        {
            name = "private-http",
            url = "http://10.0.0.7:8080/hooks/mlflow",
            events = new[] { new { entity = "model_version", action = "created" } },
        });

        Assert.Equal("http://10.0.0.7:8080/hooks/mlflow", created.GetProperty("webhook").Text("url"));
    }

    [Fact]
    public async Task Should_list_get_test_and_delete_webhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = sandbox.MlflowClient();
        var id = await CreateWebhookAsync(http, receiver, ("model_version", "created"));

        var listed = await http.OkAsync(HttpMethod.Get, "webhooks");
        var fetched = (await http.OkAsync(HttpMethod.Get, $"webhooks/{id}")).GetProperty("webhook");
        var tested = (await http.OkAsync(HttpMethod.Post, $"webhooks/{id}/test", new { })).GetProperty("result");
        await http.OkAsync(HttpMethod.Delete, $"webhooks/{id}");
        var (status, error) = await http.CallAsync(HttpMethod.Get, $"webhooks/{id}");

        Assert.Contains(listed.GetProperty("webhooks").EnumerateArray(), w => w.Text("webhook_id") == id);
        Assert.Equal("ACTIVE", fetched.Text("status"));
        Assert.False(fetched.TryGetProperty("secret", out _));
        Assert.Equal("MODEL_VERSION", fetched.GetProperty("events")[0].Text("entity"));
        Assert.True(tested.GetProperty("success").GetBoolean());
        Assert.Equal(200, tested.GetProperty("response_status").GetInt32());
        var test = Assert.Single(receiver.Deliveries);
        Assert.True(WebhookSignature.Verify(Secret, test.DeliveryId, test.Timestamp, test.Body, test.Signature));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (status, error.Text("error_code")));
    }

    private static async Task<string> CreateWebhookAsync(HttpClient http, WebhookReceiver receiver, params (string Entity, string Action)[] events)
    {
        var created = await http.OkAsync(HttpMethod.Post, "webhooks", new
        {
            name = $"hook-{Guid.NewGuid():N}",
            url = receiver.Url.ToString(),
            secret = Secret,
            events = events.Select(e => new { entity = e.Entity, action = e.Action }).ToArray(),
        });
        return created.GetProperty("webhook").Text("webhook_id");
    }

    // Other tests in the class share the sandbox; only deliveries about this test's model count.
    private static List<ReceivedDelivery> Mine(WebhookReceiver receiver, string model) =>
        receiver.Deliveries.Where(d => d.Body.Contains($"\"{model}\"", StringComparison.Ordinal)).ToList();
}
