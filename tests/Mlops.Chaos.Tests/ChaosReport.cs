using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Contracts;
using Mlops.Testing;

namespace Mlops.Chaos.Tests;

/// <summary>
/// The figures of one scenario and its report, kept under <c>TestResults/chaos/</c>: per flow its timeline (every saga's
/// history line across the services), the attempts that failed and were retried, and the injected faults it met; and
/// one figures line per scenario in <c>summary.jsonl</c>, which <c>./test.sh</c> adds up into its <c>chaos:</c> line.
/// </summary>
public static class ChaosReport
{
    public static string Directory => Path.Combine(TestEnvironment.RepositoryRoot, "TestResults", "chaos");

    /// <summary>Writes the report and the figures; answers the scenario's own <c>chaos:</c> line.</summary>
    public static async Task<string> WriteAsync(string scenario, ChaosRun run, IReadOnlyList<Kill> kills, int duplicates, IReadOnlyList<ChaosFlow> lost)
    {
        var events = run.Observer.Events;
        var faults = run.Chart.Sandbox.Requests.Snapshot().Where(r => r.Fault is not null).ToList();
        var flows = new JsonArray();
        foreach (var flow in run.Flows)
        {
            var timeline = new List<JsonObject>();
            foreach (var service in new[] { "trainingCoordinator", "modelPromoter" })
            {
                try
                {
                    using var answer = await run.Chart.Ops(service).GetAsync($"ops/flows/{flow.FlowId}");
                    if (answer.IsSuccessStatusCode && JsonNode.Parse(await answer.Content.ReadAsStringAsync())?["timeline"] is JsonArray lines)
                        timeline.AddRange(lines.OfType<JsonObject>().Select(l => new JsonObject
                        {
                            ["at"] = l["at"]?.DeepClone(), ["service"] = service, ["saga"] = l["sagaType"]?.DeepClone(), ["event"] = l["event"]?.DeepClone(),
                            ["from"] = l["fromState"]?.DeepClone(), ["to"] = l["toState"]?.DeepClone(), ["error"] = l["error"]?.DeepClone(),
                        }));
                }
                catch (HttpRequestException)
                {
                    // A report is written even when a service is down; its part of the timeline is then missing.
                }
            }
            var kebab = flow.Model.Replace('_', '-');
            var met = faults.Where(f => f.Name is { } name && (name.Contains(flow.Model, StringComparison.Ordinal) || name.Contains(kebab, StringComparison.Ordinal))).ToList();
            flows.Add(new JsonObject
            {
                ["model"] = flow.Model,
                ["trainingId"] = flow.TrainingId.ToString(),
                ["flowId"] = flow.FlowId.ToString(),
                ["startedAt"] = flow.StartedAt,
                ["registeredAt"] = events.FirstOrDefault(e => e.Type == nameof(ModelRegistered) && e.Model == flow.Model)?.At,
                ["servedAt"] = events.FirstOrDefault(e => e.Type == nameof(ServingRolloutComplete) && e.Model == flow.Model)?.At,
                ["lost"] = lost.Contains(flow),
                ["retries"] = timeline.Count(l => l["error"] is not null),
                ["faults"] = new JsonArray(met.Select(f => (JsonNode)$"{f.Time:O} {f.StandIn} {f.Verb} {f.Resource} {f.Name} -> {f.StatusCode} ({f.Fault})").ToArray()),
                ["timeline"] = new JsonArray(timeline.OrderBy(l => l["at"]?.ToString(), StringComparer.Ordinal).Select(l => (JsonNode)l).ToArray()),
            });
        }
        var figures = new JsonObject
        {
            ["scenario"] = scenario,
            ["flows"] = run.Flows.Count,
            ["completed"] = run.Flows.Count - lost.Count,
            ["kills"] = kills.Count,
            ["faults"] = faults.Count,
            ["duplicates"] = duplicates,
            ["lost"] = lost.Count,
        };
        var report = new JsonObject
        {
            ["figures"] = figures.DeepClone(),
            ["kills"] = new JsonArray(kills.Select(k => (JsonNode)$"{k.At:O} {k.Service}[{k.Replica}] at {k.Progress:P0} of the run, ready again in {k.BackToReady.TotalSeconds:F1} s").ToArray()),
            ["flows"] = flows,
        };
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(Path.Combine(Directory, $"{scenario}.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await File.AppendAllTextAsync(Path.Combine(Directory, "summary.jsonl"), figures.ToJsonString() + "\n");
        return $"chaos: flows={figures["flows"]} completed={figures["completed"]} kills={kills.Count} faults={faults.Count} duplicates={duplicates} lost={lost.Count} ({scenario})";
    }
}
