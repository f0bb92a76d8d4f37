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
