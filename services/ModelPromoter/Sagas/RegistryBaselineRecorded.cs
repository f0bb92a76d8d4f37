namespace Mlops.ModelPromoter.Sagas;

/// <summary>The reconciliation's first pass is done: what it saw in the registry is the baseline, served only when opted in.</summary>
public sealed record RegistryBaselineRecorded
{
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>READY versions the pass saw.</summary>
    public required int Versions { get; init; }

    /// <summary>Whether those versions were served (<c>ModelPromoter:Reconciliation:ServeExistingOnFirstPass</c>) or only recorded.</summary>
    public required bool Served { get; init; }

    /// <summary>Per model, the highest READY version number the pass saw: what a later pass still counts as the baseline.</summary>
    public IReadOnlyDictionary<string, long> HighestVersions { get; init; } = new Dictionary<string, long>();

    /// <summary>Per model, the version its target alias pointed at (models whose alias was set).</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
}
