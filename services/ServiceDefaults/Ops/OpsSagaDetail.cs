using System.Text.Json.Nodes;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>Answer of <c>GET /ops/sagas/{id}</c>: the instance, its data with secrets masked, its whole history and last error.</summary>
public sealed record OpsSagaDetail
{
    public required string Service { get; init; }
    public required OpsSagaSummary Saga { get; init; }

    /// <summary>The stored document, masked (docs/operations.md, "Masking").</summary>
    public JsonNode? Data { get; init; }
    public required IReadOnlyList<OpsHistoryLine> History { get; init; }
    public OpsLastError? LastError { get; init; }

    /// <summary>Null when <c>POST …/replay</c> would re-run the failed step; otherwise why it would not (its 409 answer).</summary>
    public string? ReplayRefusal { get; init; }
}
