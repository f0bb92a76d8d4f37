using System.Globalization;
using System.Text;
using Mlops.SagaStore;
using Mlops.SagaStore.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/SagaStore.Benchmarks [-- --ticks N] [--rounds N] [--rabbitmq] [--publish]
//        [--only Sqlite|Postgres] [--no-outbox] [--docs docs/saga-store.md] [--json <file>]
// Each round measures MassTransit's in-memory repository, SQLite and PostgreSQL (outbox and inbox on) one after the other;
// the table shows each row's median over the rounds, the median of its ratios to the baseline of the same round and
// transport, and the CPU per transition that the benchmark process, PostgreSQL and RabbitMQ spent on it (CpuSnapshot).
const int Sagas = 8;
const int WarmUpTicks = 300;
var ticks = ArgValue("--ticks") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 1_500;
var rounds = ArgValue("--rounds") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 1;
var postgres = Environment.GetEnvironmentVariable("POSTGRES_URL") is { Length: > 0 } url
    ? url
    : "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops";
var rabbitMq = new Uri(Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } r ? r : "amqp://guest:guest@127.0.0.1:5672/");

var transports = args.Contains("--rabbitmq") ? new Uri?[] { null, rabbitMq } : [null];
var publishModes = args.Contains("--publish") ? new[] { false, true } : [false];
// For finding where the time goes: the store without its outbox and inbox (each write its own transaction).
var outbox = !args.Contains("--no-outbox");
var providers = ArgValue("--only") is { } only
    ? [null, Enum.Parse<SagaStoreProvider>(only, ignoreCase: true)]
    : new SagaStoreProvider?[] { null, SagaStoreProvider.Sqlite, SagaStoreProvider.Postgres };
var loadBefore = LoadAverage();
var results = new List<(int Round, Measurement Measured)>();
// Round 0 is not counted: it runs every row once so that each row's code is compiled to its final tier before any row is
// timed. Without it the first row of the process (the baseline) ran on code still being recompiled, and its rate moved
// by half from one run to the next.
for (var round = 0; round <= rounds; round++)
{
    foreach (var transport in transports)
    {
        foreach (var publish in publishModes)
        {
            foreach (var provider in providers)
            {
                var roundTicks = round == 0 ? Math.Min(ticks, WarmUpTicks) : ticks;
                Console.Error.WriteLine($"{(round == 0 ? "warm-up" : $"round {round}/{rounds}")}: {provider?.ToString() ?? TransitionRun.Baseline} " +
                    $"on {(transport is null ? "in-memory" : "RabbitMQ")}{(publish ? ", one publish per transition" : "")}: {Sagas} sagas x {roundTicks} transitions ...");
                var measured = await TransitionRun.MeasureAsync(provider, transport, Sagas, roundTicks, postgres, publish, outbox);
                if (round > 0)
                    results.Add((round, measured));
            }
        }
    }
}
var loadAfter = LoadAverage();

var rows = results
    .GroupBy(r => (r.Measured.Repository, r.Measured.Transport, r.Measured.Publishes))
    .Select(g => g.Select(r => r.Measured).OrderBy(m => m.PerSecond).ElementAt(g.Count() / 2))
    .ToList();
// Each round's row against the baseline of the same round, measured just before it: the machine's speed drifts over a
// session (the baseline alone moved by half), and a ratio of medians taken from different rounds would carry that drift.
var ratios = results
    .GroupBy(r => (r.Measured.Repository, r.Measured.Transport, r.Measured.Publishes))
    .ToDictionary(g => g.Key, g => g
        .Select(r => r.Measured.PerSecond / results.Single(b => b.Round == r.Round && b.Measured.Repository == TransitionRun.Baseline
            && b.Measured.Transport == r.Measured.Transport && b.Measured.Publishes == r.Measured.Publishes).Measured.PerSecond)
        .Order()
        .ElementAt(g.Count() / 2));
double RatioOf(Measurement m) => ratios[(m.Repository, m.Transport, m.Publishes)];
var table = new StringBuilder()
    .AppendLine("| repository | transport | publishes | transitions | seconds | transitions/s | ratio to baseline | goal | CPU ms per transition: benchmark / PostgreSQL / RabbitMQ | cores idle |")
    .AppendLine("|---|---|---|---:|---:|---:|---:|---|---|---:|");
foreach (var m in rows)
{
    var ratio = RatioOf(m);
    var goal = m.Repository switch
    {
        TransitionRun.Baseline => "(baseline)",
        _ when m.Transport != "RabbitMQ" || m.Publishes => "",
        "Sqlite" => ratio >= 0.8 ? "0.8: met" : "0.8: missed",
        _ => ratio >= 0.5 ? "0.5: met" : "0.5: missed",
    };
    table.AppendLine(CultureInfo.InvariantCulture,
        $"| {m.Repository} | {m.Transport} | {(m.Publishes ? "one per transition" : "none")} | {m.Transitions:N0} | {m.Elapsed.TotalSeconds:F2} | {m.PerSecond:N0} | {ratio:F2} | {goal} " +
        $"| {m.PerTransition(m.Cpu.Benchmark):F3} / {m.PerTransition(m.Cpu.Postgres):F3} / {m.PerTransition(m.Cpu.RabbitMq):F3} | {m.IdleShare:P0} |");
}
Console.WriteLine(table);
Console.WriteLine($"load average before {loadBefore}, after {loadAfter}");

// For bench.sh: the same rows as JSON, each with its ratio to the baseline on its transport.
if (ArgValue("--json") is { } json)
{
    var figures = rows.Select(m => new
    {
        repository = m.Repository,
        transport = m.Transport,
        publishes = m.Publishes,
        transitions_per_s = m.PerSecond,
        cpu_ms_per_transition = new { benchmark = m.PerTransition(m.Cpu.Benchmark), postgres = m.PerTransition(m.Cpu.Postgres), rabbitmq = m.PerTransition(m.Cpu.RabbitMq) },
        idle_share = m.IdleShare,
        ratio = RatioOf(m),
    });
    await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(figures));
}

if (ArgValue("--docs") is { } docs)
{
    const string Start = "<!-- benchmark:start -->";
    const string End = "<!-- benchmark:end -->";
    var text = await File.ReadAllTextAsync(docs);
    var from = text.IndexOf(Start, StringComparison.Ordinal);
    var to = text.IndexOf(End, StringComparison.Ordinal);
    if (from < 0 || to < from)
        throw new InvalidOperationException($"{docs} has no {Start} ... {End} block to fill.");
    var measured = $"{Start}\nMeasured {DateTime.UtcNow:yyyy-MM-dd} on this machine ({Environment.ProcessorCount} cores, load average {loadBefore} before " +
        $"and {loadAfter} after), {Sagas} concurrent sagas, {ticks} transitions per saga after a warm-up, median of {rounds} round(s) " +
        $"(each ratio the median of the rounds' ratios to their own baseline):\n\n{table}";
    await File.WriteAllTextAsync(docs, text[..from] + measured + text[to..]);
    Console.Error.WriteLine($"wrote the table to {docs}");
}

string? ArgValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

// The one-minute load average: the machine is shared, and every figure depends on what else ran.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
