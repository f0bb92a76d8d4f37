using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mlops.Contracts;
using Mlops.Sandbox.Kubernetes;
using Mlops.Testing.Chart;
using RabbitMQ.Client;

namespace Mlops.Chaos.Tests;

/// <summary>
/// What must hold after a chaos run, each check answering its problems (empty when it holds): every flow served once,
/// no Kubernetes object or MLflow version twice, no message in an error or skipped queue, no saga stuck on its way.
/// </summary>
public static class ChaosAudit
{
    // Sagas that live on after their flows rest in these states, with no step pending or failed: a model's serving saga,
    // the stack, the promoter's view of the stack and of the registry, a promotion kept so that late duplicate triggers
    // land on it, and a run's artifacts that the TrainingCoordinator announces itself.
    private static readonly HashSet<(string Type, string State)> Resting =
    [
        ("ServingState", "Serving"),
        ("StackState", "Ready"),
        ("KnownStackState", "Ready"),
        ("RegistryAliasState", "Following"),
        ("RegistryReconciliationState", "Baselined"),
        ("PromotionState", "Promoted"),
        ("RunArtifactState", "CoordinatorOwned"),
    ];

    /// <summary>(model, version) with more than one distinct ServingRolloutComplete; a redelivery of the same message id is not a duplicate.</summary>
    public static IReadOnlyList<string> ServedTwice(IReadOnlyList<ObservedEvent> events) =>
        events.Where(e => e.Type == nameof(ServingRolloutComplete))
            .GroupBy(e => (e.Model, e.Version))
            .Select(g => (g.Key, Distinct: g.Select(e => e.MessageId).Distinct().Count()))
            .Where(g => g.Distinct > 1)
            .Select(g => $"{g.Key.Model} version {g.Key.Version}: {g.Distinct} ServingRolloutComplete")
            .ToList();

    /// <summary>Serving Deployments per model and training Jobs per training: one each.</summary>
    public static IReadOnlyList<string> DuplicateObjects(ChartRun run)
    {
        var registry = run.Sandbox.Host.Kubernetes.Registry;
        var problems = new List<string>();
        var deployments = registry.List(ResourceCatalog.Deployments, ChartRun.ServingNamespace).Items
            .GroupBy(d => d["metadata"]?["annotations"]?["mlops.dev/model-name"]?.GetValue<string>() ?? "?");
        problems.AddRange(deployments.Where(g => g.Count() > 1).Select(g => $"{g.Count()} Deployments serve {g.Key}"));
        // A replay submits the training's next attempt as a Job of its own; two Jobs of one attempt are a duplicate.
        var jobs = registry.List(ResourceCatalog.Jobs, ChartRun.StackNamespace).Items
            .GroupBy(j => (Training: j["metadata"]?["labels"]?["mlops.dev/training-id"]?.GetValue<string>() ?? "?",
                Attempt: j["metadata"]?["annotations"]?["mlops.dev/attempt"]?.GetValue<string>() ?? "?"));
        problems.AddRange(jobs.Where(g => g.Count() > 1).Select(g => $"{g.Count()} Jobs for attempt {g.Key.Attempt} of training {g.Key.Training}"));
        return problems;
    }

    /// <summary>Each flow's model has exactly one version in the registry: its training registered once.</summary>
    public static async Task<IReadOnlyList<string>> DuplicateVersionsAsync(ChartRun run, IReadOnlyList<ChaosFlow> flows)
    {
        var problems = new List<string>();
        foreach (var flow in flows)
        {
            var found = await run.Sandbox.Mlflow.GetFromJsonAsync<JsonObject>($"api/2.0/mlflow/model-versions/search?filter={Uri.EscapeDataString($"name='{flow.Model}'")}");
            var count = found?["model_versions"]?.AsArray().Count ?? 0;
            if (count != 1)
                problems.Add($"{flow.Model} has {count} versions in MLflow");
        }
        return problems;
    }

    /// <summary>The run's <c>_error</c> and <c>_skipped</c> queues: where MassTransit moves what failed or what nobody takes.</summary>
    public static async Task<IReadOnlyList<string>> ErrorQueuesAsync(ChartRun run) =>
        (await run.Vhost.ListAsync("queues"))
            .Select(q => q.GetProperty("name").GetString()!)
            .Where(n => n.EndsWith("_error", StringComparison.Ordinal) || n.EndsWith("_skipped", StringComparison.Ordinal))
            .ToList();

    /// <summary>Every <c>_error</c> and <c>_skipped</c> queue of the run's vhost is empty, counted by the broker itself at this moment.</summary>
    public static async Task<IReadOnlyList<string>> LeftInErrorQueuesAsync(ChartRun run)
    {
        var names = await ErrorQueuesAsync(run);
        var factory = new ConnectionFactory { Uri = run.Vhost.AmqpUrl };
        await using var connection = await factory.CreateConnectionAsync();
        var problems = new List<string>();
        foreach (var name in names)
        {
            await using var channel = await connection.CreateChannelAsync();
            var queue = await channel.QueueDeclarePassiveAsync(name);
            if (queue.MessageCount > 0)
                problems.Add($"{queue.MessageCount} messages in {name}");
        }
        return problems;
    }

    /// <summary>
    /// Every saga of every service either finished or rests (<see cref="Resting"/>) with nothing pending; a serving
    /// saga idles: no attempt, nothing queued, and its ledger holds its version served exactly once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> NotAtRestAsync(ChartRun run, IReadOnlyList<ChaosFlow> flows)
    {
        var problems = new List<string>();
        foreach (var service in ChartRun.Services)
        {
            for (var page = 1; page is > 0; )
            {
                var list = await GetAsync(run, service, $"ops/sagas?page={page}");
                foreach (var saga in list["items"]!.AsArray().OfType<JsonObject>())
                {
                    if (saga["finishedAt"] is not null)
                        continue;
                    var type = saga["sagaType"]!.GetValue<string>();
                    var state = saga["state"]!.GetValue<string>();
                    if (!Resting.Contains((type, state)) || saga["failed"] is not null)
                        problems.Add($"{service} {type} {saga["id"]} rests in {state}{(saga["failed"] is { } failed ? " failed " + failed.ToJsonString() : "")}");
                    else if (await GetAsync(run, service, $"ops/sagas/{saga["id"]}?type={type}") is { } detail && detail["data"] is JsonObject data)
                        problems.AddRange(Busy(type, data).Select(what => $"{service} {type} {saga["id"]} in {state} still has {what}"));
                }
                page = list["nextPage"]?.GetValue<int>() ?? 0;
            }
        }
        var models = (await run.Ops("modelPromoter").GetFromJsonAsync<JsonArray>("ops/models"))!.OfType<JsonObject>()
            .ToDictionary(m => m["model"]!.GetValue<string>(), StringComparer.Ordinal);
        foreach (var flow in flows)
        {
            if (!models.TryGetValue(flow.Model, out var model))
            {
                problems.Add($"{flow.Model} is unknown to the ModelPromoter");
                continue;
            }
            var served = model["ledger"]!.AsArray().Count(l => l?["outcome"]?.GetValue<string>() == "Served");
            if (model["servingVersion"]?.ToString() != "1" || served != 1 || model["rollingOutVersion"] is not null)
                problems.Add($"{flow.Model}: serving {model["servingVersion"]}, rolling out {model["rollingOutVersion"]}, served {served} times in its ledger");
        }
        return problems;
    }

    /// <summary>How many sagas of <paramref name="type"/> the service holds, in every state.</summary>
    public static async Task<int> SagaCountAsync(ChartRun run, string service, string type)
    {
        var count = 0;
        for (var page = 1; page is > 0; )
        {
            var list = await GetAsync(run, service, $"ops/sagas?type={type}&page={page}");
            count += list["items"]!.AsArray().Count;
            page = list["nextPage"]?.GetValue<int>() ?? 0;
        }
        return count;
    }

    // What a resting saga must not hold: a step waiting or failed, and for a serving saga an attempt or a queued request.
    private static IEnumerable<string> Busy(string type, JsonObject data)
    {
        foreach (var key in new[] { "PendingStep", "FailedStep" })
        {
            if (data[key] is not null)
                yield return key;
        }
        if (type != "ServingState")
            yield break;
        foreach (var key in new[] { "Attempt", "Next", "NextRetire", "Retiring" })
        {
            if (data[key] is not null)
                yield return key;
        }
    }

    private static async Task<JsonObject> GetAsync(ChartRun run, string service, string path)
    {
        using var answer = await run.Ops(service).GetAsync(path);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {service} {path} answered {(int)answer.StatusCode}: {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }
}
