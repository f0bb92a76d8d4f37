namespace Mlops.Clients.Mlflow.Model;

/// <summary>A registered model (<c>registered_model</c>).</summary>
public sealed record MlflowRegisteredModel
{
    public string Name { get; init; } = "";

    public long? CreationTimestamp { get; init; }

    public long? LastUpdatedTimestamp { get; init; }

    public string? UserId { get; init; }

    public string? Description { get; init; }

    /// <summary>The newest version per stage (deprecated with stages, still sent).</summary>
    public IReadOnlyList<MlflowModelVersion> LatestVersions { get; init; } = [];

    public IReadOnlyList<MlflowTag> Tags { get; init; } = [];

    public IReadOnlyList<MlflowRegisteredModelAlias> Aliases { get; init; } = [];
}
