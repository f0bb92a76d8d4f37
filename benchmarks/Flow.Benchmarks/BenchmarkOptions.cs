using System.Globalization;

namespace Mlops.Flow.Benchmarks;

/// <summary>The benchmark's command line (bench.sh passes it; every value is checked before anything runs).</summary>
internal sealed record BenchmarkOptions(
    string RunInfo,
    string StackFile,
    IReadOnlyList<int> BurstSizes,
    int OpenLoopFlows,
    int WarmUpFlows,
    double OpenLoopRate,
    int Rounds,
    TimeSpan BaselineDuration,
    string? StoreJson,
    string OutputDirectory,
    string? Docs)
{
    public const string Usage =
        "usage: Flow.Benchmarks --run-info <file> --stack-file <file> --out <dir> [--n 100[,1000]] [--open-loop-flows 100] [--warm-up-flows 10] [--rate 50] " +
        "[--rounds 3] [--baseline-seconds 3] [--store-json <file>] [--docs docs/benchmarks.md]";

    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"'{args[i]}' is not an option with a value. {Usage}");
            values[args[i]] = args[++i];
        }
        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is required. {Usage}");
        int Whole(string name, int fallback, int min) =>
            !values.TryGetValue(name, out var v) ? fallback
            : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min ? n
            : throw new ArgumentException($"{name} must be a whole number of at least {min}, not '{v}'");
        var sizes = (values.TryGetValue("--n", out var n) ? n : "100").Split(',')
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1
                ? size
                : throw new ArgumentException($"--n takes whole numbers of at least 1, comma-separated, not '{n}'"))
            .ToList();
        var rate = values.TryGetValue("--rate", out var r) ? r : "50";
        if (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var perSecond) || perSecond is <= 0 or > 10_000)
            throw new ArgumentException($"--rate must be flows per second above 0 (at most 10000), not '{rate}'");
        return new BenchmarkOptions(
            Required("--run-info"),
            Required("--stack-file"),
            sizes,
            Whole("--open-loop-flows", 100, 1),
            Whole("--warm-up-flows", 10, 1),
            perSecond,
            Whole("--rounds", 3, 1),
            TimeSpan.FromSeconds(Whole("--baseline-seconds", 3, 1)),
            values.GetValueOrDefault("--store-json"),
            Required("--out"),
            values.GetValueOrDefault("--docs"));
    }
}
