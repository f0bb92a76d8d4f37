using System.Globalization;
using Mlops.ModelPromoter.Policies;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>The policy's metric gates on a version's run: every gate must hold; a failure names the metric and the threshold.</summary>
public static class PromotionGates
{
    /// <summary>One line per gate that held; throws <see cref="PromotionRefusedException"/> at the first that does not.</summary>
    public static List<string> Check(IReadOnlyList<MetricGate> gates, IReadOnlyDictionary<string, double> metrics, string? runId)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(metrics);
        var results = new List<string>();
        foreach (var gate in gates)
        {
            var rule = Rule(gate);
            if (!metrics.TryGetValue(gate.Metric, out var value))
                throw new PromotionRefusedException($"gate {rule} not met: run {runId ?? "(none)"} logged no metric {gate.Metric}");
            if (double.IsNaN(value))
                throw new PromotionRefusedException($"gate {rule} not met: {gate.Metric} is NaN");
            if (gate.Min is { } min && value < min)
                throw new PromotionRefusedException($"gate {rule} not met: {gate.Metric} is {Number(value)}, below {Number(min)}");
            if (gate.Max is { } max && value > max)
                throw new PromotionRefusedException($"gate {rule} not met: {gate.Metric} is {Number(value)}, above {Number(max)}");
            results.Add($"{gate.Metric} {Number(value)}: {rule} met");
        }
        return results;
    }

    /// <summary>A gate as people write it: <c>accuracy &gt;= 0.85</c>, <c>loss &lt;= 0.5</c>, or both bounds.</summary>
    public static string Rule(MetricGate gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return (gate.Min, gate.Max) switch
        {
            ({ } min, { } max) => $"{Number(min)} <= {gate.Metric} <= {Number(max)}",
            ({ } min, null) => $"{gate.Metric} >= {Number(min)}",
            (null, { } max) => $"{gate.Metric} <= {Number(max)}",
            _ => $"{gate.Metric} logged",
        };
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
