namespace Mlops.Sandbox.Control;

/// <summary>Every request the stand-ins received, in arrival order, so tests can prove ordering and counts.</summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RequestRecord> _records = [];
    private long _sequence;

    internal RequestRecord Add(string standIn, SandboxRequest request, string? userAgent)
    {
        lock (_gate)
        {
            var record = new RequestRecord
            {
                Sequence = ++_sequence,
                Time = DateTimeOffset.UtcNow,
                StandIn = standIn,
                Verb = request.Verb,
                Group = request.Group,
                Resource = request.Resource,
                Namespace = request.Namespace,
                Name = request.Name,
                UserAgent = userAgent,
                User = request.User,
                ImpersonatedUser = request.ImpersonatedUser,
            };
            _records.Add(record);
            return record;
        }
    }

    /// <summary>A copy of the log, optionally of one stand-in only.</summary>
    public IReadOnlyList<RequestRecord> Snapshot(string? standIn = null)
    {
        lock (_gate)
            return _records.Where(r => standIn is null || r.StandIn == standIn).ToList();
    }

    public void Clear()
    {
        lock (_gate)
            _records.Clear();
    }
}
