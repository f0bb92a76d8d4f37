using System.Diagnostics;
using Mlops.Flow.Benchmarks;

// The end-to-end benchmark (docs/benchmarks.md). bench.sh starts the sandbox and the three services, then runs this with
// their URLs and pids in --run-info; this applies the stack, registers the models, runs the baselines interleaved with the
// flows, and writes latest.json, latest-details.json and latest.png to --out.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var token = cancel.Token;
var info = RunInfo.Read(options.RunInfo);
var storeRatio = StoreFigures.Read(options.StoreJson ?? throw new ArgumentException("--store-json is required: the saga store's figures come from it"));
var loadBefore = LoadAverage();
var started = DateTimeOffset.UtcNow;

var pids = RunInfo.Services.ToDictionary(s => s, s => ResidentMemory.ServiceProcess(info.Pid(s), info.Assembly(s)));
await using var memory = new ResidentMemory(pids);
// Idle: every service ready, nothing asked of it yet.
var idle = memory.Now();
Log("idle resident memory: " + string.Join(", ", idle.Select(p => $"{p.Key} {p.Value:F0} MB")));

using var management = new BrokerManagement(info.Url("management"));
var vhost = info.Get("vhost");
Log($"applying {options.StackFile}");
await StackSetup.ApplyAsync(info.Url("provisioner"), info.Get("ops-token"), options.StackFile, token);

using var registry = ModelRegistry.Create(info.Url("mlflow"), info.Url("s3"), info.Get("s3-user"), info.Get("s3-secret"));
var batches = new List<IReadOnlyList<RegisteredModel>>();
var clock = Stopwatch.StartNew();
for (var i = 0; i < options.BurstSizes.Count; i++)
    batches.Add(await registry.RegisterAsync($"bench_n{options.BurstSizes[i]}_{i}", options.BurstSizes[i], token));
var openLoopModels = await registry.RegisterAsync("bench_open", options.OpenLoopFlows, token);
var warmUpModels = await registry.RegisterAsync("bench_warm_up", options.WarmUpFlows, token);
Log($"registered {batches.Sum(b => b.Count) + openLoopModels.Count + warmUpModels.Count} models in MLflow in {clock.Elapsed.TotalSeconds:F1} s");

await using var flows = await FlowBenchmark.StartAsync(info.Url("amqp"), token);
var servicePrefetch = await management.PrefetchAsync(vhost, "model-promoter-serving-state", token);
await using var massTransit = await MassTransitBaseline.StartAsync(info.Url("baseline-amqp"), servicePrefetch, token);
var envelope = massTransit.EnvelopeBytes;
var baselinePrefetch = servicePrefetch;
Log($"a ModelRegistered envelope is {envelope} bytes; prefetch {baselinePrefetch} (baseline), {servicePrefetch} (the services' endpoints)");

var raw = new List<BaselineResult>();
var plain = new List<BaselineResult>();
async Task BaselinesAsync()
{
    raw.Add(await RawBrokerRun.MeasureAsync(info.Url("baseline-amqp"), envelope, options.BaselineDuration, token));
    Log($"  raw round {raw.Count}: {raw[^1].PerSecond:N0} msg/s");
    plain.Add(await massTransit.MeasureAsync(options.BaselineDuration, baselinePrefetch, token));
    Log($"  MassTransit round {plain.Count}: {plain[^1].PerSecond:N0} msg/s");
}

// The services' first flows pay for JIT compilation and cold connections: a few flows first, not measured.
Log($"warm-up: {warmUpModels.Count} flows");
await flows.BurstAsync(warmUpModels, token);

// Baseline, product, baseline, ...: the machine's drift over the run hits both sides of every ratio.
var bursts = new List<FlowResult>();
// Two equal readings more than one statistics interval (5 s) apart: the totals have caught up.
var quiet = TimeSpan.FromSeconds(5.5);
var settleLimit = TimeSpan.FromSeconds(90);
// Process groups: each service's (bench.sh starts each in a group of its own) and the sandbox's with s3rver in it.
var groups = RunInfo.Services.Append("sandbox").ToDictionary(s => s, info.Pid);
IReadOnlyDictionary<string, double> cpu = new Dictionary<string, double>();

// The baselines run in a vhost of their own, so the product's totals settle while they run.
var settling = management.SettledCountAsync(vhost, quiet, settleLimit, token);
await BaselinesAsync();
var before = await settling;
foreach (var batch in batches)
{
    Log($"flows: {batch.Count} ModelRegistered at once");
    memory.StartSampling();
    var cpuBefore = ProcessCpu.Read(groups);
    var burst = await flows.BurstAsync(batch, token);
    var cpuAfter = ProcessCpu.Read(groups);
    cpu = cpuAfter.ToDictionary(p => p.Key, p => p.Value - cpuBefore[p.Key]);
    await memory.StopSamplingAsync();
    Log("  CPU seconds: " + string.Join(", ", cpu.Select(p => $"{p.Key} {p.Value:F1}")) + $" in {burst.Elapsed.TotalSeconds:F1} s");
    settling = management.SettledCountAsync(vhost, quiet, settleLimit, token);
    await BaselinesAsync();
    var after = await settling;
    bursts.Add(burst with { Broker = after - before });
    before = after;
    Log($"  {burst.PerSecond:F2} flows/s, {(double)bursts[^1].Broker!.Published / batch.Count:F1} messages per flow");
}
Log($"open loop: {openLoopModels.Count} flows at {options.OpenLoopRate} flows/s");
memory.StartSampling();
var openLoop = await flows.OpenLoopAsync(openLoopModels, options.OpenLoopRate, token);
await memory.StopSamplingAsync();
for (var round = raw.Count; round < options.Rounds; round++)
    await BaselinesAsync();

var headline = bursts.MaxBy(b => b.Flows)!;
var timeline = await FlowTimeline.MeasureAsync(RunInfo.Services.ToDictionary(s => s, info.Url), info.Get("ops-token"), headline, token);
var results = new BenchmarkResults(started, loadBefore, LoadAverage(), envelope, servicePrefetch, raw, plain, bursts, openLoop, options.OpenLoopRate,
    storeRatio, idle, memory.Peak, RunInfo.Services.ToDictionary(s => s, info.ReadySeconds), timeline, cpu);
ResultsFile.Write(results, options.OutputDirectory);
ResultChart.Write(results, Path.Combine(options.OutputDirectory, "latest.png"));
if (options.Docs is { } docs)
    Summary.FillDocs(results, docs);
foreach (var line in Summary.Lines(results))
    Console.WriteLine(line);
Log($"wrote {Path.Combine(options.OutputDirectory, "latest.json")}, latest-details.json and latest.png");
return 0;

static void Log(string text) => Console.Error.WriteLine($"[bench] {DateTime.UtcNow:HH:mm:ss} {text}");

// The one-minute load average: the machine is shared, and every figure depends on what else ran.
static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
