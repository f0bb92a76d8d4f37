using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mlops.ModelPromoter.Sagas;
using Mlops.Testing;

namespace Mlops.Hostile.Tests.Corpus;

/// <summary>
/// A corpus of bad inputs against the running ModelPromoter: MinIO events and contract messages on the bus end in the
/// endpoint's error queue with the reason, webhook deliveries and ops requests get a 4xx with the reason, and a valid
/// input sent before and after them is still taken; the promoter stays ready throughout.
/// </summary>
public sealed class When_the_promoter_meets_hostile_input(PromoterUnderAttack rig) : IClassFixture<PromoterUnderAttack>
{
    private static readonly string Megabytes10 = new('x', 10 * 1024 * 1024);

    [Fact]
    public async Task Should_send_each_bad_MinIO_event_to_the_error_queue_with_its_reason_and_take_the_valid_ones()
    {
        var before = Guid.NewGuid().ToString("N");
        await PublishMinioAsync(Event($"0/{before}/artifacts/model/MLmodel"));
        await WaitForRunAsync(before);

        var bad = new Dictionary<string, string>
        {
            ["invalid JSON"] = "{\"EventName\": ",
            ["not JSON"] = "not json at all",
            ["10 MB"] = "{\"EventName\":\"" + Megabytes10 + "\"}",
            ["control characters"] = "{\"EventName\":\"s3:ObjectCreated:Put\u0000\u0007\",\"Key\":\"mlflow/\u001b[2J\"}",
            ["wrong types"] = "{\"EventName\":7,\"Key\":[],\"Records\":\"many\"}",
            ["missing fields"] = "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\"}",
            ["null record"] = "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\",\"Records\":[null]}",
            ["record without s3"] = "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\",\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\"}]}",
        };
        foreach (var body in bad.Values)
            await PublishMinioAsync(body);
        // Keys that leave MLflow's layout are MinIO's own events of odd objects: acknowledged, warned about, never a run.
        var traversal = Guid.NewGuid().ToString("N");
        await PublishMinioAsync(Event($"0/{traversal}/artifacts/..%2F..%2Fetc%2Fpasswd/MLmodel", encoded: $"0%2F{traversal}%2Fartifacts%2F..%252F..%252Fetc%252Fpasswd%2FMLmodel"));
        await PublishMinioAsync(Event($"0/{traversal}/artifacts/../../etc/passwd/MLmodel"));

        var after = Guid.NewGuid().ToString("N");
        await PublishMinioAsync(Event($"0/{after}/artifacts/model/MLmodel"));
        await WaitForRunAsync(after);
        var faults = await Eventually.ReturnsAsync(async () => await rig.Broker.PeekAsync(PromoterUnderAttack.MinioQueue + "_error") is { } found
            && found.Count >= bad.Count ? found : null, $"{bad.Count} faults in the error queue");

        Assert.Equal(bad.Count, faults.Count);
        Assert.All(faults, f => Assert.False(string.IsNullOrWhiteSpace(f.Fault), $"no MT-Fault-Message on {f.Body[..Math.Min(80, f.Body.Length)]}"));
        Assert.Contains(faults, f => f.Fault.Contains("has no Records", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.Fault.Contains("without its eventName, s3.bucket.name or s3.object.key", StringComparison.Ordinal));
        Assert.DoesNotContain(faults, f => f.Fault.Contains("Object reference not set", StringComparison.Ordinal));
        Assert.False(await rig.SagaExistsAsync(RunArtifactStateMachine.IdOf("mlflow", "0", traversal)));
        // The JSON console writes the apostrophe escaped.
        await rig.Promoter.WaitForOutputAsync("the key leaves MLflow");
        await rig.AssertHealthyAsync();
    }

    [Fact]
    public async Task Should_send_a_ModelRegistered_of_the_wrong_shape_to_the_error_queue_and_take_the_valid_ones()
    {
        var before = NewModel();
        await rig.PublishContractAsync("ModelRegistered", Registered(before));
        await WaitForPromotionAsync(before);
        var queue = Assert.Single(await rig.Broker.QueuesOfAsync("Mlops.Contracts:ModelRegistered"));

        await rig.PublishContractAsync("ModelRegistered", new { flowId = "not-a-guid", occurredAt = 12, modelName = (int[])[1], version = new { v = 1 } });
        await rig.PublishContractAsync("ModelRegistered", new { flowId = Guid.NewGuid(), occurredAt = DateTimeOffset.UtcNow });
        await rig.PublishContractAsync("ModelRegistered", new { flowId = Guid.NewGuid(), occurredAt = DateTimeOffset.UtcNow, modelName = "x\u0000y", version = "1", runId = "r", source = "s" });
        await rig.Broker.PublishAsync("Mlops.Contracts:ModelRegistered", "fanout", Encoding.UTF8.GetBytes("{\"messageType\":[\"urn:message:Mlops.Contracts:ModelRegistered\"],\"message\":"),
            "application/vnd.masstransit+json");

        var after = NewModel();
        await rig.PublishContractAsync("ModelRegistered", Registered(after));
        await WaitForPromotionAsync(after);
        var faults = await Eventually.ReturnsAsync(async () => await rig.Broker.PeekAsync(queue + "_error") is { Count: >= 3 } found ? found : null,
            "the malformed ModelRegistered messages in the error queue");
        Assert.All(faults, f => Assert.False(string.IsNullOrWhiteSpace(f.Fault), f.Body));
        await rig.AssertHealthyAsync();
    }

    [Fact]
    public async Task Should_answer_bad_webhook_deliveries_with_a_4xx_and_its_reason_and_take_the_valid_ones()
    {
        var before = NewModel();
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Created(before), Sign)).StatusCode);
        await WaitForPromotionAsync(before);

        var corpus = new (string What, string Body, Func<HttpRequestMessage, string, string>? Signer, HttpStatusCode Expected, string Reason)[]
        {
            ("unsigned", Created(NewModel()), null, HttpStatusCode.BadRequest, "X-MLflow-Delivery-Id is missing"),
            ("forged", Created(NewModel()), (r, b) => SignWith(r, b, "an-attackers-guess-at-the-secret"), HttpStatusCode.Unauthorized, "does not match"),
            ("body changed after signing", Created(NewModel()), (r, b) => SignWith(r, b, PromoterUnderAttack.WebhookSecret, b.Replace("\"1\"", "\"2\"", StringComparison.Ordinal)), HttpStatusCode.Unauthorized, "does not match"),
            ("invalid JSON", "{\"entity\": ", Sign, HttpStatusCode.BadRequest, "not JSON"),
            ("wrong types", "{\"entity\":[],\"action\":{},\"data\":\"x\"}", Sign, HttpStatusCode.BadRequest, "no entity"),
            ("missing fields", "{\"entity\":\"model_version\",\"action\":\"created\",\"data\":{}}", Sign, HttpStatusCode.BadRequest, "model name is empty"),
            ("control characters", Created("cnn\u0000classifier"), Sign, HttpStatusCode.BadRequest, "control characters"),
            ("path traversal", Created("..%2F..%2Fetc%2Fpasswd".Replace("%2F", "/", StringComparison.Ordinal)), Sign, HttpStatusCode.BadRequest, "models:/ URIs"),
            ("half a surrogate pair", "{\"entity\":\"model_version\",\"action\":\"created\",\"data\":{\"name\":\"\\uD800\",\"version\":\"1\"}}", Sign, HttpStatusCode.BadRequest, "not text"),
            ("10 MB", "{\"entity\":\"" + Megabytes10 + "\"}", Sign, HttpStatusCode.RequestEntityTooLarge, "larger than"),
        };
        foreach (var (what, body, signer, expected, reason) in corpus)
        {
            using var answer = await DeliverAsync(body, signer);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == expected, $"{what}: {(int)answer.StatusCode} {text}");
            Assert.Contains(reason, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        var after = NewModel();
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Created(after), Sign)).StatusCode);
        await WaitForPromotionAsync(after);
        await rig.AssertHealthyAsync();
    }

    [Fact]
    public async Task Should_refuse_bad_ops_requests_with_a_4xx_and_its_reason_and_keep_look_alike_names_apart()
    {
        using var anonymous = new HttpClient { BaseAddress = rig.Promoter.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri("ops/models/cnn_classifier/versions/1/promote", UriKind.Relative), null)).StatusCode);
        using (var forged = new HttpRequestMessage(HttpMethod.Get, "ops/sagas"))
        {
            forged.Headers.Authorization = new("Bearer", PromoterUnderAttack.Token + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(forged)).StatusCode);
        }

        await OpsRefusedAsync(HttpMethod.Post, "ops/models/..%2F..%2Fetc%2Fpasswd/versions/1/promote", null, "model");
        await OpsRefusedAsync(HttpMethod.Post, "ops/models/cnn_classifier/versions/..%2F..%2Fetc%2Fpasswd/promote", null, "version");
        await OpsRefusedAsync(HttpMethod.Post, "ops/models/cnn%07classifier/versions/1/promote", null, "model");
        await OpsRefusedAsync(HttpMethod.Post, "ops/models/cnn_classifier/versions/1/promote", "{\"alias\": ", "body");
        await OpsRefusedAsync(HttpMethod.Post, "ops/models/cnn_classifier/versions/1/promote", "{\"alias\": 7}", "body.alias");
        await OpsRefusedAsync(HttpMethod.Post, "ops/models/cnn_classifier/versions/1/promote", "{\"reason\": \"a\\u0007b\"}", "reason");
        await OpsRefusedAsync(HttpMethod.Post, "ops/models/cnn_classifier/versions/1/promote", "{\"alias\":\"" + Megabytes10 + "\"}", "body");
        await OpsRefusedAsync(HttpMethod.Get, "ops/sagas/..%2F..%2Fetc%2Fpasswd", null, "id");
        await OpsRefusedAsync(HttpMethod.Get, "ops/flows/..%2F..%2Fetc%2Fpasswd", null, "flowId");

        // A Cyrillic 'а' makes another model: accepted as such, on a saga of its own, never the ASCII model's.
        var ascii = await AcceptedSagaAsync("ops/models/cnn_classifier/versions/1/promote");
        var lookAlike = await AcceptedSagaAsync($"ops/models/{Uri.EscapeDataString("cnn_cl\u0430ssifier")}/versions/1/promote");
        Assert.NotEqual(ascii, lookAlike);
        await rig.AssertHealthyAsync();
    }

    private async Task<Guid> AcceptedSagaAsync(string path)
    {
        using var answer = await rig.Ops.PostAsync(new Uri(path, UriKind.Relative), null);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("sagaId").GetGuid();
    }

    private async Task OpsRefusedAsync(HttpMethod method, string path, string? body, string field)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : PromoterUnderAttack.Json(body) };
        using var answer = await rig.Ops.SendAsync(request);
        var problem = await HostileServices.ProblemAsync(answer, 400);
        Assert.True(HostileServices.ErrorsFor(problem, field).Count > 0, $"{path}: no error for '{field}' in {problem}");
    }

    private async Task PublishMinioAsync(string body) =>
        await rig.Broker.PublishAsync(PromoterUnderAttack.MinioExchange, "fanout", Encoding.UTF8.GetBytes(body), "application/json",
            new Dictionary<string, object?> { ["minio-bucket"] = "mlflow", ["minio-event"] = "s3:ObjectCreated:Put" });

    private Task WaitForRunAsync(string runId) => Eventually.HoldsAsync(
        () => rig.SagaExistsAsync(RunArtifactStateMachine.IdOf("mlflow", "0", runId)), $"the run saga of {runId}", TimeSpan.FromSeconds(30));

    private Task WaitForPromotionAsync(string model) => Eventually.HoldsAsync(
        () => rig.SagaExistsAsync(PromotionIds.Automatic(model, "1")), $"the promotion of {model} 1", TimeSpan.FromSeconds(30));

    private static string NewModel() => "hostile_" + Guid.NewGuid().ToString("N")[..10];

    private static object Registered(string model) => new
    {
        flowId = Guid.NewGuid(),
        occurredAt = DateTimeOffset.UtcNow,
        modelName = model,
        version = "1",
        runId = Guid.NewGuid().ToString("N"),
        source = "s3://mlflow/0/run/artifacts/model",
        stackName = "homelab",
    };

    private static string Event(string key, string? encoded = null) => JsonSerializer.Serialize(new
    {
        EventName = "s3:ObjectCreated:Put",
        Key = "mlflow/" + key,
        Records = new[]
        {
            new { eventName = "s3:ObjectCreated:Put", s3 = new { bucket = new { name = "mlflow" }, @object = new { key = encoded ?? Uri.EscapeDataString(key), size = 612 } } },
        },
    });

    private static string Created(string model) => JsonSerializer.Serialize(new
    {
        entity = "model_version",
        action = "created",
        timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        data = new { name = model, version = "1", source = "models:/m-0123", run_id = Guid.NewGuid().ToString("N") },
    });

    private async Task<HttpResponseMessage> DeliverAsync(string body, Func<HttpRequestMessage, string, string>? signer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("webhooks/mlflow", UriKind.Relative));
        var sent = signer?.Invoke(request, body) ?? body;
        request.Content = PromoterUnderAttack.Json(sent);
        return await rig.Ops.SendAsync(request);
    }

    private static string Sign(HttpRequestMessage request, string body) => SignWith(request, body, PromoterUnderAttack.WebhookSecret, body);

    private static string SignWith(HttpRequestMessage request, string body, string secret) => SignWith(request, body, secret, body);

    // Signs signedBody and sends body: MLflow's scheme, HMAC-SHA256 of "{id}.{timestamp}.{body}".
    private static string SignWith(HttpRequestMessage request, string signedBody, string secret, string body)
    {
        var id = Guid.NewGuid().ToString("D");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{signedBody}"));
        request.Headers.Add("X-MLflow-Delivery-Id", id);
        request.Headers.Add("X-MLflow-Timestamp", timestamp);
        request.Headers.Add("X-MLflow-Signature", "v1," + Convert.ToBase64String(mac));
        return body;
    }
}
