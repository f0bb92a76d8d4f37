using System.Text.Json;
using Mlops.Contracts;
using Mlops.SagaStore;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The stacks the promoter has seen announced, read from its own store (<see cref="KnownStackState"/>), with a short-lived
/// copy in memory so the MinIO consumer does not read the store for every event.
/// </summary>
public sealed class KnownStacks(ISagaCatalog catalog, TimeProvider time) : IDisposable
{
    /// <summary>How long a copy is trusted before an unknown bucket or stack makes it read again.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
    private readonly SemaphoreSlim _reading = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>Every stack announced so far, newest announcement per stack.</summary>
    public async Task<IReadOnlyList<StackReady>> AllAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).Stacks;

    /// <summary>The stack whose artifact bucket is <paramref name="bucket"/>, or null.</summary>
    public async Task<StackReady?> ByArtifactBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && Find(snapshot, bucket) is { } known)
            return known;
        if (snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < Freshness)
            return null;
        return Find(await ReadAsync(cancellationToken), bucket);
    }

    /// <summary>The stack named <paramref name="stackName"/>, or null.</summary>
    public async Task<StackReady?> ByNameAsync(string stackName, CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).Stacks.FirstOrDefault(s => s.StackName == stackName);

    private static StackReady? Find(Snapshot snapshot, string bucket) =>
        snapshot.Stacks.FirstOrDefault(s => string.Equals(s.ArtifactBucket, bucket, StringComparison.Ordinal));

    private async Task<Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            var stacks = new List<StackReady>();
            for (int? offset = 0; offset is { } from;)
            {
                var page = await catalog.ListAsync(new SagaInstanceQuery
                {
                    SagaType = nameof(KnownStackState),
                    Offset = from,
                    Limit = SagaInstanceQuery.MaxLimit,
                }, cancellationToken);
                foreach (var record in page.Items)
                {
                    if (JsonSerializer.Deserialize<KnownStackState>(record.Data, Json)?.Stack is { } stack)
                        stacks.Add(stack);
                }
                offset = page.NextOffset;
            }
            var snapshot = new Snapshot(stacks, time.GetUtcNow());
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private sealed record Snapshot(IReadOnlyList<StackReady> Stacks, DateTimeOffset ReadAt);
}
