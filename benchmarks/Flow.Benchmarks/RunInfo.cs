using System.Globalization;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// What bench.sh started, from the <c>&lt;key&gt; &lt;value&gt;</c> lines it writes: the vhosts and their AMQP URLs, the
/// management API, the services' and sandbox's URLs, the ops token, each service's pid and its time to ready.
/// </summary>
internal sealed class RunInfo(IReadOnlyDictionary<string, string> values)
{
    public static readonly string[] Services = ["provisioner", "training-coordinator", "model-promoter"];

    public static RunInfo Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split(' ', 2);
            if (parts.Length != 2 || parts[1].Length == 0)
                throw new FormatException($"{path}: '{line}' is not '<key> <value>'");
            values[parts[0]] = parts[1];
        }
        return new RunInfo(values);
    }

    public string Get(string key) => values.TryGetValue(key, out var value)
        ? value
        : throw new KeyNotFoundException($"the run info has no '{key}' line");

    public Uri Url(string key) => Uri.TryCreate(Get(key), UriKind.Absolute, out var url)
        ? url
        : throw new FormatException($"the run info's '{key}' is not an absolute URL: {Get(key)}");

    public int Pid(string service) => int.Parse(Get("pid." + service), CultureInfo.InvariantCulture);

    public double ReadySeconds(string service) => double.Parse(Get("ready." + service), CultureInfo.InvariantCulture);

    public string Assembly(string service) => Get("assembly." + service);
}
