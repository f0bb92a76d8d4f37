using System.Globalization;
using System.Text;
using Mlops.SagaStore;
using Mlops.SagaStore.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/SagaStore.Benchmarks [-- --ticks N] [--rabbitmq] [--docs docs/saga-store.md]
const int Sagas = 8;
const int Goal = 2_000;
var ticks = ArgValue("--ticks") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 1_500;
var postgres = Environment.GetEnvironmentVariable("POSTGRES_URL") is { Length: > 0 } url
    ? url
    : "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops";
var rabbitMq = new Uri(Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } r ? r : "amqp://guest:guest@127.0.0.1:5672/");

var transports = args.Contains("--rabbitmq") ? new Uri?[] { null, rabbitMq } : [null];
var results = new List<Measurement>();
foreach (var transport in transports)
{
    foreach (var provider in new SagaStoreProvider?[] { null, SagaStoreProvider.Sqlite, SagaStoreProvider.Postgres })
    {
        Console.Error.WriteLine($"measuring {provider?.ToString() ?? TransitionRun.Baseline} on {(transport is null ? "in-memory" : "RabbitMQ")}: {Sagas} sagas x {ticks} transitions ...");
        results.Add(await TransitionRun.MeasureAsync(provider, transport, Sagas, ticks, postgres));
    }
}

var table = new StringBuilder()
    .AppendLine("| repository | transport | concurrent sagas | transitions | seconds | transitions/s | goal 2,000/s |")
    .AppendLine("|---|---|---:|---:|---:|---:|---|");
foreach (var m in results)
{
    table.AppendLine(CultureInfo.InvariantCulture,
        $"| {m.Repository} | {m.Transport} | {m.Sagas} | {m.Transitions:N0} | {m.Elapsed.TotalSeconds:F2} | {m.PerSecond:N0} | {(m.Repository == TransitionRun.Baseline ? "(baseline)" : m.PerSecond >= Goal ? "met" : "missed")} |");
}
Console.WriteLine(table);

if (ArgValue("--docs") is { } docs)
{
    const string Start = "<!-- benchmark:start -->";
    const string End = "<!-- benchmark:end -->";
    var text = await File.ReadAllTextAsync(docs);
    var from = text.IndexOf(Start, StringComparison.Ordinal);
    var to = text.IndexOf(End, StringComparison.Ordinal);
    if (from < 0 || to < from)
        throw new InvalidOperationException($"{docs} has no {Start} ... {End} block to fill.");
    var measured = $"{Start}\nMeasured {DateTime.UtcNow:yyyy-MM-dd} on this machine ({Environment.ProcessorCount} cores), {ticks} transitions per saga after a warm-up:\n\n{table}";
    await File.WriteAllTextAsync(docs, text[..from] + measured + text[to..]);
    Console.Error.WriteLine($"wrote the table to {docs}");
}

string? ArgValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
