using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore;

/// <summary>The ops queries over the durable saga store.</summary>
internal sealed class SagaCatalog(DurableSagaStore store) : ISagaCatalog
{
    public IReadOnlyList<string> SagaTypes => store.Maps.Select(m => m.Name).ToArray();

    public async Task<SagaInstancePage> ListAsync(SagaInstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Offset < 0)
            throw new ArgumentOutOfRangeException(nameof(query), "Offset must not be negative.");
        if (query.Limit is < 1 or > SagaInstanceQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), $"Limit must be between 1 and {SagaInstanceQuery.MaxLimit}.");
        await store.EnsureReadyAsync(cancellationToken);

        // One more than asked tells whether another page exists without counting the whole table.
        var wanted = query.Offset + query.Limit + 1;
        var records = new List<SagaInstanceRecord>();
        var maps = MapsFor(query.SagaType);
        foreach (var map in maps)
        {
            var rows = await store.Database.ListAsync(map, query,
                maps.Count == 1 ? query.Offset : 0, maps.Count == 1 ? query.Limit + 1 : wanted, cancellationToken);
            records.AddRange(rows.Select(r => ToRecord(map, r)));
        }

        var ordered = records.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.CorrelationId);
        var page = (maps.Count == 1 ? ordered : ordered.Skip(query.Offset)).Take(query.Limit + 1).ToList();
        var hasMore = page.Count > query.Limit;
        if (hasMore)
            page.RemoveAt(page.Count - 1);
        return new SagaInstancePage(page, query.Offset, hasMore);
    }

    public async Task<SagaInstanceRecord?> FindAsync(Guid correlationId, string? sagaType = null, CancellationToken cancellationToken = default)
    {
        await store.EnsureReadyAsync(cancellationToken);
        foreach (var map in MapsFor(sagaType))
        {
            if ((await store.Database.LoadAsync(map, correlationId, null, cancellationToken)).Row is { } row)
                return ToRecord(map, row);
        }
        return null;
    }

    public async Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(Guid correlationId, string? sagaType = null,
        CancellationToken cancellationToken = default)
    {
        await store.EnsureReadyAsync(cancellationToken);
        var entries = new List<SagaHistoryEntry>();
        foreach (var map in MapsFor(sagaType))
            entries.AddRange(await store.Database.HistoryAsync(map, correlationId, cancellationToken));
        return entries.OrderBy(e => e.Sequence).ToArray();
    }

    public async Task<OutboxBacklog> OutboxBacklogAsync(CancellationToken cancellationToken = default)
    {
        await store.EnsureReadyAsync(cancellationToken);
        return await store.Database.OutboxBacklogAsync(cancellationToken);
    }

    private IReadOnlyList<SagaMap> MapsFor(string? sagaType)
    {
        if (sagaType is null)
            return store.Maps;
        return [store.FindMap(sagaType) ?? throw new ArgumentException(
            $"Unknown saga type '{sagaType}'; this service stores {string.Join(", ", store.Maps.Select(m => m.Name))}.", nameof(sagaType))];
    }

    private static SagaInstanceRecord ToRecord(SagaMap map, SagaRow row) => new()
    {
        SagaType = map.Name,
        CorrelationId = row.CorrelationId,
        State = row.State,
        FlowId = row.FlowId,
        Version = row.Version,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        FinishedAt = row.FinishedAt,
        DeadlineAt = row.DeadlineAt,
        DeadlineEvent = row.DeadlineEvent is null ? null : row.DeadlineEvent.Split(',')[0].Split('.')[^1],
        DeadlineError = row.DeadlineError,
        Data = row.Data,
    };
}
