using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mlops.Contracts;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.Chaos.Tests;

/// <summary>
/// A chart configuration live on the sandbox (<see cref="ChartRun"/>: the three services as processes with their RBAC
/// tokens), its stack provisioned, the suite's <see cref="FlowObserver"/> on the bus, and the flows: one model per flow,
/// trained as a Job through the ops API and promoted by whatever the training registers.
/// </summary>
public sealed class ChaosRun : IAsyncDisposable
{
    private readonly List<ChaosFlow> _flows = [];

    private ChaosRun(ChartRun chart, FlowObserver observer, BrokerTrace trace)
    {
        Chart = chart;
        Observer = observer;
        Trace = trace;
    }

    public ChartRun Chart { get; }

    public FlowObserver Observer { get; }

    public BrokerTrace Trace { get; }

    public IReadOnlyList<ChaosFlow> Flows => _flows;

    public static async Task<ChaosRun> StartAsync(string scenario, ChartRunOptions? options = null)
    {
        options ??= new ChartRunOptions();
        // Spec times (probes, progress and active deadlines) in real seconds, as a cluster keeps them, not at the
        // sandbox's hundredth: a chaos run loads this small machine heavily. At a tenth, MinIO's readiness probe (1 s
        // timeout, every 5 s, 3 failures) gave up after 1.5 s of slow answers and the in-cluster MinIO dropped out of
        // its Service, and a model server's 900 s progress deadline became 90 s, less than the crowd of 200 rollouts
        // takes: the machine's trouble, not the product's. Only the kubelet's and job controller's back-offs stay short.
        var sandbox = With(options.SandboxSettings, new()
        {
            ["Sandbox:Kubernetes:TimeScale"] = "1",
            ["Sandbox:Kubernetes:BackoffTimeScale"] = "0.1",
        });
        // Every flow's rollout starts at about the same moment, so the last waits for the machine as long as all others
        // take: deadlines for a crowd, not for one model server.
        var services = With(options.ServiceSettings, new()
        {
            ["ModelPromoter:Serving:RolloutDeadline"] = "00:10:00",
            ["ModelPromoter:Serving:StartupTimeout"] = "00:10:00",
            // The soak's 200 model servers share the sandbox's one node (8 CPUs): 10m each leaves room for all of them.
            ["ModelPromoter:Policies:Default:Resources:CpuRequest"] = "10m",
        });
        var chart = await ChartRun.StartAsync(scenario, options with { SandboxSettings = sandbox, ServiceSettings = services });
        try
        {
            await chart.ProvisionAsync();
            return new ChaosRun(chart, await FlowObserver.StartAsync(chart.Vhost.AmqpUrl), await BrokerTrace.StartAsync(chart));
        }
        catch
        {
            await chart.DisposeAsync();
            throw;
        }
    }

    // The suite's defaults, then what the scenario says.
    private static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> scenario, Dictionary<string, string?> defaults)
    {
        foreach (var (key, value) in scenario)
            defaults[key] = value;
        return defaults;
    }

    /// <summary>Every service's processes, by values block.</summary>
    public Dictionary<string, IReadOnlyList<ServiceProcess>> Services() =>
        ChartRun.Services.ToDictionary(s => s, Chart.Processes, StringComparer.Ordinal);

    /// <summary>
    /// Starts <paramref name="count"/> trainings. Each carries its own training id, so a POST repeated after a lost answer
    /// (the coordinator killed mid-request) is the same training, never a second one.
    /// </summary>
    public async Task StartFlowsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var model = $"chaos_{_flows.Count:D3}";
            var trainingId = Guid.NewGuid();
            var accepted = await Eventually.ReturnsAsync(async () =>
            {
                using var answer = await Chart.Ops("trainingCoordinator").PostAsJsonAsync("ops/training", new
                {
                    stackName = ChartRun.StackName,
                    modelName = model,
                    image = ChartRun.TrainingImage,
                    trainingId,
                    parameters = new Dictionary<string, string> { ["epochs"] = "1" },
                });
                var text = await answer.Content.ReadAsStringAsync();
                if ((int)answer.StatusCode is >= 400 and < 500)
                    throw new InvalidOperationException($"POST /ops/training refused {model}: {(int)answer.StatusCode} {text}");
                return answer.IsSuccessStatusCode ? JsonNode.Parse(text) as JsonObject : null;
            }, $"training of {model} accepted", TimeSpan.FromSeconds(120));
            _flows.Add(new ChaosFlow(_flows.Count, model, trainingId, Guid.Parse(accepted["flowId"]!.GetValue<string>()), DateTimeOffset.UtcNow));
        }
    }

    /// <summary>How far the flows have come, 0 to 1: half for being registered, half for being served.</summary>
    public double Progress()
    {
        if (_flows.Count == 0)
            return 0;
        var events = Observer.Events;
        var registered = events.Where(e => e.Type == nameof(ModelRegistered)).Select(e => e.Model).Distinct().Count();
        var served = events.Where(e => e.Type == nameof(ServingRolloutComplete)).Select(e => e.Model).Distinct().Count();
        return (registered + served) / (2.0 * _flows.Count);
    }

    /// <summary>Waits until <see cref="Progress"/> reaches <paramref name="share"/>; a timeout says where the services are.</summary>
    public async Task WaitForProgressAsync(double share, TimeSpan limit)
    {
        try
        {
            await Eventually.HoldsAsync(() => Progress() >= share, $"{share:P0} of the flows' way", limit);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} (at {Progress():P0})\n{await Chart.StateAsync()}\n{Chart.Output(40)}", ex);
        }
    }

    /// <summary>
    /// Waits until every flow's model was served, or <paramref name="limit"/> passed; answers the flows not served. A
    /// failure announced on the bus ends the wait at once unless <paramref name="failuresExpected"/>.
    /// </summary>
    public async Task<IReadOnlyList<ChaosFlow>> WaitForFlowsAsync(TimeSpan limit, bool failuresExpected = false)
    {
        var deadline = DateTime.UtcNow + limit;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (true)
        {
            var served = Observer.Served();
            var missing = _flows.Where(f => !served.Contains(f.Model)).ToList();
            if (missing.Count == 0 || DateTime.UtcNow > deadline || (!failuresExpected && Observer.Failures().Count > 0))
                return missing;
            // Expected failures: done once every flow not served has failed (and waits for a replay).
            var failed = Observer.Events.Where(e => e.Reason is not null && e.At > _replayedAt).Select(e => e.Model).ToHashSet(StringComparer.Ordinal);
            if (failuresExpected && missing.All(f => failed.Contains(f.Model)))
                return missing;
            await timer.WaitForNextTickAsync();
        }
    }

    private DateTimeOffset _replayedAt = DateTimeOffset.MinValue;

    /// <summary>Replays every failed saga of every service through its ops API, as <c>mlopsctl sagas replay --all-failed</c> does; answers how many.</summary>
    public async Task<int> ReplayFailedAsync()
    {
        _replayedAt = DateTimeOffset.UtcNow;
        var replayed = 0;
        foreach (var service in ChartRun.Services)
        {
            var failed = (await Chart.Ops(service).GetFromJsonAsync<JsonObject>("ops/sagas?state=Failed"))!["items"]!.AsArray().OfType<JsonObject>().ToList();
            foreach (var saga in failed)
            {
                await Chart.PostAsync(service, $"ops/sagas/{saga["id"]}/replay?type={saga["sagaType"]}");
                replayed++;
            }
        }
        return replayed;
    }

    public async ValueTask DisposeAsync()
    {
        await Trace.DisposeAsync();
        await Observer.DisposeAsync();
        await Chart.DisposeAsync();
    }
}
