using System.Text.Json;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// The saga store's ratios from benchmarks/SagaStore.Benchmarks' <c>--json</c> file, run by bench.sh in the same run: each
/// provider's transitions/s on RabbitMQ (no publishes) over MassTransit's in-memory repository's.
/// </summary>
internal static class StoreFigures
{
    public static IReadOnlyDictionary<string, double> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in document.RootElement.EnumerateArray())
        {
            if (row.GetProperty("transport").GetString() != "RabbitMQ" || row.GetProperty("publishes").GetBoolean())
                continue;
            var repository = row.GetProperty("repository").GetString()!.ToLowerInvariant();
            if (repository is "sqlite" or "postgres")
                ratios[repository] = row.GetProperty("ratio").GetDouble();
        }
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            if (!ratios.ContainsKey(provider))
                throw new InvalidDataException($"{path} has no {provider} row on RabbitMQ without publishes (was the saga store benchmark run with --rabbitmq?)");
        }
        return ratios;
    }
}
