using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using k8s;
using Minio.DataModel.Args;
using Mlops.Sandbox.Kubernetes;
using Mlops.Testing;
using Mlops.Testing.Chart;
using Npgsql;
using RabbitMQ.Client;

namespace Mlops.Chaos.Tests;

/// <summary>
/// Looks for the run's secret values everywhere they must not be: every line the services wrote, every message left in an
/// error queue, every saga row and history line of the stores, every Kubernetes object but Secrets, MLflow's runs and
/// registry, every object in MinIO; and requires that pod templates take credentials by secretKeyRef only. Answers one
/// line per finding, naming where (never the value).
/// </summary>
public static partial class SecretScan
{
    public static async Task<IReadOnlyList<string>> FindAsync(ChartRun run)
    {
        // A canary, so that a scan which cannot see proves nothing: a ConfigMap holding a secret must be found, and is then
        // left out of the findings.
        var canary = await PlantCanaryAsync(run);
        var found = (await ScanAsync(run)).ToList();
        if (found.RemoveAll(f => f.EndsWith($"in ConfigMap {canary}", StringComparison.Ordinal)) == 0)
            found.Add($"the scan did not find the secret planted in ConfigMap {canary}");
        await run.Sandbox.Kubernetes.CoreV1.DeleteNamespacedConfigMapAsync(canary.Split('/')[1], canary.Split('/')[0]);
        return found;
    }

    private static async Task<string> PlantCanaryAsync(ChartRun run)
    {
        var canary = new k8s.Models.V1ConfigMap
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "secret-scan-canary", NamespaceProperty = ChartRun.StackNamespace },
            Data = new Dictionary<string, string> { ["leaked"] = run.Secrets[0] },
        };
        await run.Sandbox.Kubernetes.CoreV1.CreateNamespacedConfigMapAsync(canary, ChartRun.StackNamespace);
        return $"{ChartRun.StackNamespace}/secret-scan-canary";
    }

    private static async Task<IReadOnlyList<string>> ScanAsync(ChartRun run)
    {
        var found = new List<string>();
        void Look(string where, string text)
        {
            for (var i = 0; i < run.Secrets.Count; i++)
            {
                if (text.Contains(run.Secrets[i], StringComparison.Ordinal))
                    found.Add($"secret #{i} in {where}");
            }
        }

        foreach (var service in ChartRun.Services)
        {
            var processes = run.Processes(service);
            for (var replica = 0; replica < processes.Count; replica++)
                Look($"the output of {service}[{replica}]", string.Join('\n', processes[replica].Output));
        }
        foreach (var (queue, body) in await ErrorMessagesAsync(run))
            Look($"a message in {queue}", body);
        foreach (var (service, store) in run.Stores)
            Look($"the saga store of {service}", await StoreTextAsync(store));
        var registry = run.Sandbox.Host.Kubernetes.Registry;
        foreach (var type in ResourceCatalog.All.Where(t => t != ResourceCatalog.Secrets))
        {
            foreach (var obj in registry.Store.List(type, null).Items)
            {
                var name = $"{type.Kind} {obj["metadata"]?["namespace"]}/{obj["metadata"]?["name"]}";
                Look(name, obj.ToJsonString());
                found.AddRange(LiteralCredentials(obj).Select(env => $"{name} sets {env} as a literal value"));
            }
        }
        foreach (var path in new[] { "registered-models/search?max_results=1000", "model-versions/search?max_results=1000" })
            Look($"MLflow {path}", await run.Sandbox.Mlflow.GetStringAsync($"api/2.0/mlflow/{path}"));
        var experiments = await MlflowPostAsync(run, "experiments/search", new { max_results = 1000 });
        Look("MLflow experiments/search", experiments.ToJsonString());
        var ids = experiments["experiments"]?.AsArray().Select(e => e!["experiment_id"]!.GetValue<string>()).ToArray() ?? [];
        Look("MLflow runs/search", (await MlflowPostAsync(run, "runs/search", new { experiment_ids = ids, max_results = 1000 })).ToJsonString());
        foreach (var (name, text) in await ObjectsAsync(run))
            Look($"s3 object {name}", text);
        return found;
    }

    // A pod template's env entry whose name says credential must come from a Secret (valueFrom.secretKeyRef), not "value".
    private static IEnumerable<string> LiteralCredentials(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["env"] is JsonArray env)
                {
                    foreach (var entry in env.OfType<JsonObject>())
                    {
                        var name = entry["name"]?.GetValue<string>() ?? "";
                        if (CredentialName().IsMatch(name) && entry["value"] is not null)
                            yield return name;
                    }
                }
                foreach (var (_, child) in obj)
                {
                    foreach (var literal in LiteralCredentials(child))
                        yield return literal;
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var literal in LiteralCredentials(child))
                        yield return literal;
                }
                break;
        }
    }

    [GeneratedRegex("SECRET|PASSWORD|TOKEN|ACCESS_KEY", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialName();

    // Taken without acknowledging and the channel closed, so each message goes back to its queue as it was.
    private static async Task<IReadOnlyList<(string Queue, string Body)>> ErrorMessagesAsync(ChartRun run)
    {
        var queues = await ChaosAudit.ErrorQueuesAsync(run);
        var messages = new List<(string, string)>();
        await using var connection = await new ConnectionFactory { Uri = run.Vhost.AmqpUrl }.CreateConnectionAsync();
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync();
            for (var i = 0; i < 1000 && await channel.BasicGetAsync(queue, autoAck: false) is { } message; i++)
            {
                var headers = string.Join(' ', (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
                    .Select(h => $"{h.Key}={(h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value)}"));
                messages.Add((queue, headers + "\n" + Encoding.UTF8.GetString(message.Body.Span)));
            }
        }
        return messages;
    }

    // Every row of every table, as text: saga documents, history lines, outbox and inbox.
    private static async Task<string> StoreTextAsync(IAsyncDisposable store)
    {
        var text = new StringBuilder();
        switch (store)
        {
            case SqliteStoreFile file:
                await using (var connection = file.Connect())
                {
                    await connection.OpenAsync();
                    var tables = new List<string>();
                    await using (var list = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection))
                    await using (var reader = await list.ExecuteReaderAsync())
                    {
                        while (await reader.ReadAsync())
                            tables.Add(reader.GetString(0));
                    }
                    foreach (var table in tables)
                    {
                        await using var select = new SqliteCommand($"SELECT * FROM \"{table}\"", connection);
                        await using var rows = await select.ExecuteReaderAsync();
                        while (await rows.ReadAsync())
                        {
                            for (var i = 0; i < rows.FieldCount; i++)
                                text.Append(rows.IsDBNull(i) ? "" : rows.GetValue(i) is byte[] blob ? Encoding.UTF8.GetString(blob) : rows.GetValue(i).ToString()).Append('\t');
                            text.Append('\n');
                        }
                    }
                }
                break;
            case PostgresSchema schema:
                await using (var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString))
                {
                    await connection.OpenAsync();
                    var tables = new List<string>();
                    await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @schema", connection))
                    {
                        list.Parameters.AddWithValue("schema", schema.Name);
                        await using var reader = await list.ExecuteReaderAsync();
                        while (await reader.ReadAsync())
                            tables.Add(reader.GetString(0));
                    }
                    foreach (var table in tables)
                    {
                        await using var select = new NpgsqlCommand($"SELECT t::text FROM \"{schema.Name}\".\"{table}\" t", connection);
                        await using var rows = await select.ExecuteReaderAsync();
                        while (await rows.ReadAsync())
                            text.Append(rows.GetString(0)).Append('\n');
                    }
                }
                break;
        }
        return text.ToString();
    }

    private static async Task<JsonObject> MlflowPostAsync(ChartRun run, string path, object body)
    {
        using var answer = await run.Sandbox.Mlflow.PostAsJsonAsync($"api/2.0/mlflow/{path}", body);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"MLflow {path} answered {(int)answer.StatusCode}: {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    // Listed first, then read eight at a time: a soak leaves thousands of artifacts, and one GET after another took
    // minutes of the verdict.
    private static async Task<IReadOnlyList<(string Name, string Text)>> ObjectsAsync(ChartRun run)
    {
        var keys = new List<(string Bucket, string Key)>();
        foreach (var bucket in (await run.Sandbox.Minio.ListBucketsAsync()).Buckets)
        {
            await foreach (var item in run.Sandbox.Minio.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket.Name).WithRecursive(true)))
                keys.Add((bucket.Name, item.Key));
        }
        var objects = new ConcurrentBag<(string, string)>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, cancellationToken) =>
        {
            using var content = new MemoryStream();
            await run.Sandbox.Minio.GetObjectAsync(new GetObjectArgs().WithBucket(key.Bucket).WithObject(key.Key)
                .WithCallbackStream((s, ct) => s.CopyToAsync(content, ct)), cancellationToken);
            objects.Add(($"{key.Bucket}/{key.Key}", Encoding.UTF8.GetString(content.ToArray())));
        });
        return objects.ToList();
    }
}
