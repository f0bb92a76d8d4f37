using System.Collections.Concurrent;

namespace Mlops.Sandbox.Faults;

/// <summary>Fault rules per stand-in and API group, switchable at run time; group "*" matches every group of a stand-in.</summary>
public sealed class FaultInjection
{
    public const string AnyGroup = "*";

    private readonly ConcurrentDictionary<(string StandIn, string Group), FaultRule> _rules = new();
    private readonly Lock _randomGate = new();
    private Random _random = new();

    /// <summary>Sets the rule of one API group ("" or "core" for Kubernetes' core group, "*" for all).</summary>
    public void Set(string standIn, string group, FaultRule rule) => _rules[(standIn, Normalize(group))] = rule;

    public void Clear(string standIn, string group) => _rules.TryRemove((standIn, Normalize(group)), out _);

    public void ClearAll() => _rules.Clear();

    /// <summary>Makes injected errors repeatable.</summary>
    public void Seed(int seed)
    {
        lock (_randomGate)
            _random = new Random(seed);
    }

    public IReadOnlyDictionary<string, FaultRule> Rules =>
        _rules.ToDictionary(r => $"{r.Key.StandIn}/{(r.Key.Group.Length == 0 ? "core" : r.Key.Group)}", r => r.Value);

    /// <summary>Decides the fault for a request now arriving; the group's own rule wins over "*".</summary>
    public FaultDecision Decide(string standIn, string group, DateTimeOffset now)
    {
        if (!_rules.TryGetValue((standIn, Normalize(group)), out var rule) && !_rules.TryGetValue((standIn, AnyGroup), out rule))
            return FaultDecision.None;
        var delay = TimeSpan.FromMilliseconds(rule.LatencyMilliseconds);
        if (rule.Outages.Any(o => o.Covers(now)))
            return new FaultDecision(delay, 503, "outage");
        if (rule.ErrorRate <= 0 || rule.StatusCodes.Count == 0)
            return new FaultDecision(delay, null, null);
        lock (_randomGate)
        {
            if (_random.NextDouble() >= rule.ErrorRate)
                return new FaultDecision(delay, null, null);
            return new FaultDecision(delay, rule.StatusCodes[_random.Next(rule.StatusCodes.Count)], "error rate");
        }
    }

    // Kubernetes' core group has no name; "core" is how a URL or a person writes it.
    private static string Normalize(string group) => group == "core" ? "" : group;
}
